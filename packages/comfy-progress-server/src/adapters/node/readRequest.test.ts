import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { NodeRequest } from './readRequest.js'
import type { NodeResponse } from './createSink.js'
import { readRequest } from './readRequest.js'

function fakeRequest(fields: Record<string, unknown>): NodeRequest {
  return Object.assign(Readable.from([]), {
    method: 'GET',
    headers: {},
    httpVersionMajor: 1,
    ...fields,
  }) as never
}
const response = { destroyed: false, on: () => response } as unknown as NodeResponse

describe('readRequest', () => {
  it('keeps the mount path that Express strips from req.url (app.use("/api", handle))', () => {
    const request = readRequest(fakeRequest({ url: '/generate', originalUrl: '/api/generate' }), response)
    expect(request.url).toBe('/api/generate')
  })

  it('uses req.url when no framework set originalUrl (plain node:http, http2)', () => {
    const request = readRequest(fakeRequest({ url: '/api/progress/abc?lastEventId=3' }), response)
    expect(request.url).toBe('/api/progress/abc?lastEventId=3')
  })

  it('passes a body a framework already parsed', () => {
    const request = readRequest(fakeRequest({ url: '/api/generate', body: { prompt: 'x' } }), response)
    expect(request.parsedBody).toEqual({ prompt: 'x' })
  })
})
