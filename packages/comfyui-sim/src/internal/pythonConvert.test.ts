import { describe, expect, it } from 'vitest'
import { pyBool, pyFloat, pyInt } from './pythonConvert.js'
import { PyFloat } from './pythonJson.js'

describe('pyInt', () => {
  it('converts what Python int() converts', () => {
    expect(pyInt('20')).toEqual({ ok: true, value: 20 })
    expect(pyInt(' -1_000 ')).toEqual({ ok: true, value: -1000 })
    expect(pyInt(7.9)).toEqual({ ok: true, value: 7 })
    expect(pyInt(true)).toEqual({ ok: true, value: 1 })
  })

  it('fails with Python’s messages', () => {
    expect(pyInt('twenty')).toEqual({ ok: false, error: "invalid literal for int() with base 10: 'twenty'" })
    expect(pyInt('7.5')).toEqual({ ok: false, error: "invalid literal for int() with base 10: '7.5'" })
    expect(pyInt(null)).toEqual({
      ok: false,
      error: "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'",
    })
  })
})

describe('pyFloat', () => {
  it('converts what Python float() converts, to a PyFloat', () => {
    expect(pyFloat('1e3')).toEqual({ ok: true, value: new PyFloat(1000) })
    expect(pyFloat(7)).toEqual({ ok: true, value: new PyFloat(7) })
    expect(pyFloat(' .5 ')).toEqual({ ok: true, value: new PyFloat(0.5) })
  })

  it('fails with Python’s messages', () => {
    expect(pyFloat('abc')).toEqual({ ok: false, error: "could not convert string to float: 'abc'" })
    expect(pyFloat('.')).toEqual({ ok: false, error: "could not convert string to float: '.'" })
    expect(pyFloat({})).toEqual({
      ok: false,
      error: "float() argument must be a string or a real number, not 'dict'",
    })
  })
})

describe('pyBool', () => {
  it('is Python truthiness', () => {
    expect(pyBool('false')).toEqual({ ok: true, value: true })
    expect(pyBool('')).toEqual({ ok: true, value: false })
    expect(pyBool([])).toEqual({ ok: true, value: false })
    expect(pyBool(0)).toEqual({ ok: true, value: false })
  })
})
