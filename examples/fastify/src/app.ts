import type { AddressInfo } from 'node:net'
import { createComfyUiSim } from '@comfy-progress/comfyui-sim'
import { ComfyClient } from '@comfy-progress/core'
import { TaskManager } from '@comfy-progress/server'
import { createHandler } from '@comfy-progress/server/node'
import Fastify from 'fastify'

/**
 * A Fastify app with comfy-progress's routes under `/api`: POST /api/generate, GET /api/progress/:id
 * (SSE), /api/tasks/:id, /api/image/…, /api/health. Without `COMFYUI_URL`, a ComfyUI simulator runs in
 * the same process.
 */
export async function startServer({ port = 3000, comfyUrl = process.env.COMFYUI_URL } = {}) {
  const sim = comfyUrl ? undefined : await createComfyUiSim({ speed: 4 })
  const client = new ComfyClient({ baseUrl: sim?.url ?? comfyUrl! })
  const tasks = new TaskManager({ client, basePath: '/api' })
  const handle = createHandler({ tasks })

  const app = Fastify()
  await app.register(
    (api, _options, done) => {
      // The handler reads and limits the bodies itself: Fastify leaves them unparsed here.
      api.removeAllContentTypeParsers()
      api.addContentTypeParser('*', (_request, _payload, done) => done(null))
      // Hand the raw Node request and response over; Fastify stays out of the answer.
      api.all('/*', (request, reply) => {
        reply.hijack()
        return handle(request.raw, reply.raw)
      })
      done()
    },
    { prefix: '/api' },
  )
  await app.listen({ port, host: '127.0.0.1' })
  return {
    url: `http://localhost:${(app.server.address() as AddressInfo).port}`,
    async close() {
      app.server.closeAllConnections()
      await app.close()
      await tasks.close()
      await client.close()
      await sim?.close()
    },
  }
}
