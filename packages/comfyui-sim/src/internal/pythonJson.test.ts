import { describe, expect, it } from 'vitest'
import { PyFloat, pyFloatRepr, pyRepr, pyStr, toPythonJson } from './pythonJson.js'

describe('toPythonJson', () => {
  it('writes json.dumps separators and floats as Python does', () => {
    expect(
      toPythonJson({ type: 'progress_state', data: { value: new PyFloat(0), max: new PyFloat(1), n: 20 } }),
    ).toBe('{"type": "progress_state", "data": {"value": 0.0, "max": 1.0, "n": 20}}')
    expect(toPythonJson([])).toBe('[]')
    expect(toPythonJson({})).toBe('{}')
    expect(toPythonJson({ a: undefined, b: null })).toBe('{"b": null}')
  })

  it('escapes like ensure_ascii=True', () => {
    expect(toPythonJson('é "q" \\ \n\u0001 \u007f ✓')).toBe(
      '"\\u00e9 \\"q\\" \\\\ \\n\\u0001 \u007f \\u2713"',
    )
    expect(JSON.parse(toPythonJson('é ✓ 🎨'))).toBe('é ✓ 🎨')
  })

  it('reads back as the same JSON value', () => {
    const value = { a: [1, 2.5, 'x', true, null, { b: -0.001 }], c: 1e21 }
    expect(JSON.parse(toPythonJson(value))).toEqual(value)
  })
})

describe('pyFloatRepr', () => {
  it.each([
    [1000, '1000.0'],
    [0.1, '0.1'],
    [1e-7, '1e-07'],
    [1.5e16, '1.5e+16'],
    [123456789012345.6, '123456789012345.6'],
    [0, '0.0'],
    [Number.NaN, 'NaN'],
    [-Infinity, '-Infinity'],
  ])('%d → %s', (value, text) => {
    expect(pyFloatRepr(value)).toBe(text)
  })
})

describe('pyStr and pyRepr', () => {
  it('format values as Python str() and repr()', () => {
    expect(pyStr('twenty')).toBe('twenty')
    expect(pyRepr('twenty')).toBe("'twenty'")
    expect(pyRepr("it's")).toBe('"it\'s"')
    expect(pyStr(['random-sd15.safetensors'])).toBe("['random-sd15.safetensors']")
    expect(pyStr({ a: true, b: null, c: new PyFloat(2) })).toBe("{'a': True, 'b': None, 'c': 2.0}")
  })
})
