import { ComfyClient } from '@comfy-progress/core'
import { afterEach, describe, expect, it } from 'vitest'
import type { NeutralRequest } from '../http/NeutralHttp.js'
import { TaskManager } from '../tasks/TaskManager.js'
import { createRequestHandler } from './createRequestHandler.js'

const open: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close()
})

function request(method: string, url: string): NeutralRequest {
  return {
    method,
    url,
    headers: new Headers(),
    signal: new AbortController().signal,
    readBody: () => Promise.resolve(new Uint8Array()),
  }
}

describe('createRequestHandler: request targets', () => {
  // Found by fuzzing raw HTTP: `GET //` (a target Node's parser accepts and the URL parser refuses)
  // threw a TypeError, answered 500 INTERNAL_ERROR.
  it.each([
    ['GET', '//'],
    ['POST', '//'],
    ['GET', '/\\'],
  ])('answers %s %j with 404 ROUTE_NOT_FOUND, not a 500', async (method, target) => {
    // Nothing listens on port 9: no route here reaches ComfyUI.
    const client = new ComfyClient({ baseUrl: 'http://127.0.0.1:9' })
    const tasks = new TaskManager({ client })
    open.push(client, tasks)
    const answer = await createRequestHandler({ tasks })(request(method, target))
    expect(answer.status).toBe(404)
    expect(answer.kind === 'body' && JSON.parse(String(answer.body))).toMatchObject({
      error: { code: 'ROUTE_NOT_FOUND' },
    })
  })
})
