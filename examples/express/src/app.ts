import type { AddressInfo } from 'node:net'
import { createComfyUiSim } from '@comfy-progress/comfyui-sim'
import { ComfyClient } from '@comfy-progress/core'
import { TaskManager } from '@comfy-progress/server'
import { createHandler } from '@comfy-progress/server/node'
import express from 'express'

/**
 * An Express app with comfy-progress's routes under `/api`: POST /api/generate, GET /api/progress/:id
 * (SSE), /api/tasks/:id, /api/image/…, /api/health. Without `COMFYUI_URL`, a ComfyUI simulator runs in
 * the same process.
 */
export async function startServer({ port = 3000, comfyUrl = process.env.COMFYUI_URL } = {}) {
  const sim = comfyUrl ? undefined : await createComfyUiSim({ speed: 4 })
  const client = new ComfyClient({ baseUrl: sim?.url ?? comfyUrl! })
  const tasks = new TaskManager({ client, basePath: '/api' })

  const app = express()
  // `all` rather than `use`: Express keeps the full path in req.url, so the answers' URLs keep `/api`.
  app.all('/api/*path', createHandler({ tasks }))

  const server = app.listen(port)
  await new Promise((resolve) => server.once('listening', resolve))
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await tasks.close()
      await client.close()
      await sim?.close()
    },
  }
}
