import type { Server } from 'node:http'
import { createComfyUiSim } from '@comfy-progress/comfyui-sim'
import { ComfyClient } from '@comfy-progress/core'
import { TaskManager } from '@comfy-progress/server'
import { createHandler } from '@comfy-progress/server/fetch'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

/**
 * A Hono app with comfy-progress's routes under `/api`: POST /api/generate, GET /api/progress/:id
 * (SSE), /api/tasks/:id, /api/image/…, /api/health. Without `COMFYUI_URL`, a ComfyUI simulator runs in
 * the same process. Served on Node by `@hono/node-server`; the same `app` runs on Bun, Deno or Workers.
 */
export async function startServer({ port = 3000, comfyUrl = process.env.COMFYUI_URL } = {}) {
  const sim = comfyUrl ? undefined : await createComfyUiSim({ speed: 4 })
  const client = new ComfyClient({ baseUrl: sim?.url ?? comfyUrl! })
  const tasks = new TaskManager({ client, basePath: '/api' })
  const handle = createHandler({ tasks })

  const app = new Hono()
  app.all('/api/*', (c) => handle(c.req.raw))

  const { server, address } = await new Promise<{ server: Server; address: { port: number } }>((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (address) =>
      resolve({ server: server as Server, address }),
    )
  })
  return {
    url: `http://localhost:${address.port}`,
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await tasks.close()
      await client.close()
      await sim?.close()
    },
  }
}
