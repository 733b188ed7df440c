import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ComfyClient, type ComfyWorkflow } from '@comfy-progress/core'
import type { ComfyUiSim } from '@comfy-progress/comfyui-sim'
import { TaskManager } from '@comfy-progress/server'
import { createHandler } from '@comfy-progress/server/node'
import { generateLimits } from '../shared/GenerateBody.js'
import { bundleClient } from './bundleClient.js'
import { createPageHandler } from './createPageHandler.js'
import { createPrepare } from './createPrepare.js'
import { startSimulator } from './startSimulator.js'

/** Options of {@link startApp}. */
export interface ReferenceAppOptions {
  /**
   * The port; 0 picks a free one.
   * @default 3000
   */
  readonly port?: number
  /**
   * The interface to listen on (`0.0.0.0` to open the app to phones on your network).
   * @default '127.0.0.1'
   */
  readonly host?: string
  /**
   * A real ComfyUI's address, e.g. `http://127.0.0.1:8188`.
   * @default undefined (start the built-in simulator)
   */
  readonly comfyUrl?: string
  /**
   * The checkpoint file the workflows load.
   * @default 'v1-5-pruned-emaonly.safetensors'
   */
  readonly checkpoint?: string
  /**
   * The simulator's time compression: 0.35 makes a 20-step image take about 5 s, like a mid-range GPU.
   * @default 0.35
   */
  readonly simulatorSpeed?: number
}

/** The defaults of {@link ReferenceAppOptions} (frozen). */
export const referenceAppDefaults = Object.freeze({
  port: 3000,
  host: '127.0.0.1',
  checkpoint: 'v1-5-pruned-emaonly.safetensors',
  simulatorSpeed: 0.35,
})

/** A running app. */
export interface ReferenceApp {
  /** `http://localhost:<port>` (or the host it listens on). */
  readonly url: string
  /** What generates the images. */
  readonly backend: 'simulator' | 'comfyui'
  /** ComfyUI's (or the simulator's) base URL. */
  readonly comfyUrl: string
  /** The connection to ComfyUI. */
  readonly client: ComfyClient
  /** Stops the HTTP server, the task manager, the ComfyUI connection and the simulator. */
  close(): Promise<void>
}

const WORKFLOWS = new URL('../../workflows/', import.meta.url)

/**
 * Starts the reference app: the comfy-progress routes under `/api` (Node adapter on `node:http`), the
 * two pages and their scripts (bundled in memory at startup), and, unless `comfyUrl` is given, the
 * ComfyUI simulator in the same process.
 *
 * @example
 * ```ts
 * const app = await startApp({ port: 0 })
 * console.log(app.url)
 * await app.close()
 * ```
 */
export async function startApp(options: ReferenceAppOptions = {}): Promise<ReferenceApp> {
  const checkpoint = options.checkpoint ?? referenceAppDefaults.checkpoint
  const [templates, assets, sim] = await Promise.all([
    loadTemplates(),
    bundleClient(),
    options.comfyUrl === undefined
      ? startSimulator({ checkpoint, speed: options.simulatorSpeed ?? referenceAppDefaults.simulatorSpeed })
      : undefined,
  ])
  const comfyUrl = options.comfyUrl ?? (sim as ComfyUiSim).url
  const backend = sim === undefined ? 'comfyui' : 'simulator'

  const client = new ComfyClient({ baseUrl: comfyUrl })
  const tasks = new TaskManager({ client, basePath: '/api' })
  const api = createHandler({
    tasks,
    prepare: createPrepare({ templates, checkpoint, api: client.api }),
    maxBodyBytes: generateLimits.maxBodyBytes,
  })
  const pages = await createPageHandler(assets, { backend, checkpoint })

  const server = createServer((req, res) => {
    if (req.url?.startsWith('/api/')) return void api(req, res)
    if (pages(req, res)) return
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found')
  })
  const host = options.host ?? referenceAppDefaults.host
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? referenceAppDefaults.port, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const shownHost = host === '127.0.0.1' || host === '0.0.0.0' || host === '::' ? 'localhost' : host

  return {
    url: `http://${shownHost}:${port}`,
    backend,
    comfyUrl,
    client,
    close: async () => {
      const closed = new Promise((resolve) => server.close(resolve))
      server.closeAllConnections()
      await closed
      await tasks.close()
      await client.close()
      await sim?.close()
    },
  }
}

async function loadTemplates(): Promise<Record<'txt2img' | 'inpaint', ComfyWorkflow>> {
  const load = async (name: string) =>
    JSON.parse(await readFile(new URL(`${name}.json`, WORKFLOWS), 'utf8')) as ComfyWorkflow
  const [txt2img, inpaint] = await Promise.all([load('txt2img'), load('inpaint')])
  return { txt2img, inpaint }
}
