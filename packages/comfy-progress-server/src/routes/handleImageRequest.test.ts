import { ComfyClient, type ComfyProgressError } from '@comfy-progress/core'
import { afterEach, describe, expect, it } from 'vitest'
import type { NeutralRequest } from '../http/NeutralHttp.js'
import { TaskManager } from '../tasks/TaskManager.js'
import { handleImageRequest } from './handleImageRequest.js'

const open: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close()
})

function request(url: string): NeutralRequest {
  return {
    method: 'GET',
    url,
    headers: new Headers(),
    signal: new AbortController().signal,
    readBody: () => Promise.resolve(new Uint8Array()),
  }
}

function taskManager(): TaskManager {
  // Nothing listens on port 9: the image route must refuse bad signatures before asking ComfyUI.
  const client = new ComfyClient({ baseUrl: 'http://127.0.0.1:9' })
  const tasks = new TaskManager({ client, imageSecret: 'x'.repeat(32) })
  open.push(client, tasks)
  return tasks
}

describe('handleImageRequest: signatures', () => {
  // Found by fuzzing: a 22-character signature with a non-ASCII character has more than 22 bytes, and
  // the constant-time comparison threw a RangeError on the length mismatch (answered 500).
  it.each(['é'.repeat(22), `${'A'.repeat(21)}€`, 'AAAAAAAAAAAAAAAAAAAA\u0000A'])(
    'answers IMAGE_NOT_FOUND for a signature that is not base64url (%j)',
    async (sig) => {
      const tasks = taskManager()
      const url = `/image/ComfyUI_00001_.png?sig=${encodeURIComponent(sig)}`
      await expect(handleImageRequest(request(url), tasks)).rejects.toMatchObject({
        code: 'IMAGE_NOT_FOUND',
      } satisfies Partial<ComfyProgressError>)
    },
  )
})
