import { describe, expect, it } from 'vitest'
import { normalizeBaseUrl, queryString, webSocketUrl } from './comfyUrls.js'

describe('normalizeBaseUrl', () => {
  it('accepts http(s) addresses, with or without a path prefix, and trims slashes', () => {
    expect(normalizeBaseUrl('http://127.0.0.1:8188')).toBe('http://127.0.0.1:8188')
    expect(normalizeBaseUrl('HTTPS://comfy.example.com/api/')).toBe('https://comfy.example.com/api')
    expect(normalizeBaseUrl(' http://[::1]:8188// ')).toBe('http://[::1]:8188')
  })

  it('rejects anything else with CLIENT_INVALID_OPTIONS', () => {
    for (const bad of [
      'ws://127.0.0.1:8188',
      '127.0.0.1:8188',
      'http://',
      'http://host/?q=1',
      '',
      42,
      undefined,
    ]) {
      expect(() => normalizeBaseUrl(bad)).toThrowError(
        expect.objectContaining({ code: 'CLIENT_INVALID_OPTIONS' }),
      )
    }
  })
})

describe('webSocketUrl', () => {
  it('derives ws and wss URLs with the client id', () => {
    expect(webSocketUrl('http://127.0.0.1:8188', 'abc')).toBe('ws://127.0.0.1:8188/ws?clientId=abc')
    expect(webSocketUrl('https://h/prefix', 'a b')).toBe('wss://h/prefix/ws?clientId=a%20b')
  })
})

describe('queryString', () => {
  it('encodes defined values only', () => {
    expect(queryString({ filename: 'a b&c.png', subfolder: '', type: undefined })).toBe(
      '?filename=a%20b%26c.png&subfolder=',
    )
    expect(queryString({})).toBe('')
  })
})
