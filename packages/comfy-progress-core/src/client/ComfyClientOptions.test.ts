import { describe, expect, it } from 'vitest'
import { ComfyClient } from './ComfyClient.js'
import { comfyClientDefaults, resolveNumericOptions } from './ComfyClientOptions.js'

describe('ComfyClient options', () => {
  it('fills defaults, treating an explicit undefined as unset', () => {
    const resolved = resolveNumericOptions({
      baseUrl: 'http://h',
      connectTimeoutMs: undefined,
      pingIntervalMs: 0,
    })
    expect(resolved.connectTimeoutMs).toBe(comfyClientDefaults.connectTimeoutMs)
    expect(resolved.pingIntervalMs).toBe(0)
    expect(Object.isFrozen(comfyClientDefaults) && Object.isFrozen(comfyClientDefaults.featureFlags)).toBe(
      true,
    )
  })

  it('refuses bad values with CLIENT_INVALID_OPTIONS naming the option', () => {
    for (const [option, value] of [
      ['connectTimeoutMs', -1],
      ['pongTimeoutMs', Number.NaN],
      ['requestTimeoutMs', '10s'],
      ['promptBufferSize', Infinity],
    ] as const) {
      expect(() => new ComfyClient({ baseUrl: 'http://127.0.0.1:8188', [option]: value })).toThrowError(
        expect.objectContaining({ code: 'CLIENT_INVALID_OPTIONS', details: { option } }),
      )
    }
    expect(() => new ComfyClient({ baseUrl: 'ftp://x' })).toThrowError(
      expect.objectContaining({ code: 'CLIENT_INVALID_OPTIONS' }),
    )
    expect(() => new ComfyClient({ baseUrl: 'http://x', clientId: '' })).toThrowError(
      expect.objectContaining({ code: 'CLIENT_INVALID_OPTIONS' }),
    )
  })

  it('generates a 32-hex client id unless one is given, and builds nothing until connect()', async () => {
    const client = new ComfyClient({ baseUrl: 'http://127.0.0.1:8188' })
    expect(client.clientId).toMatch(/^[0-9a-f]{32}$/)
    expect(client.state).toBe('disconnected')
    expect(new ComfyClient({ baseUrl: 'http://127.0.0.1:8188', clientId: 'mine' }).clientId).toBe('mine')
    await client.close()
  })
})
