/**
 * The whole real pipeline as a backend of the test site: the ComfyUI simulator (real protocol over
 * `ws`, driven by the recorded runs) → core's ComfyClient → the server's TaskManager → every route of
 * `@comfy-progress/server/node` mounted under `/api` (`POST /api/generate`, `GET /api/progress…`,
 * `GET /api/image/…`, …). A page generates with `fetch('/api/generate')` and follows the task with a
 * `WebhookManager({ baseUrl: '/api' })`, exactly as an app would.
 */
import { readFileSync } from 'node:fs'
import { ComfyClient } from '@comfy-progress/core'
import { MemoryTaskStore, TaskManager } from '@comfy-progress/server'
import { createHandler } from '@comfy-progress/server/node'
import { ROOT, type SseBackend } from './helpers.js'

/**
 * The part of `@comfy-progress/comfyui-sim` used here, typed locally: the simulator's sources, which
 * the workspace resolves, do not typecheck under the DOM library that this package's tests need
 * (`fileRoutes.ts` passes a Node `Buffer` as a fetch `BodyInit`), so the module is imported by a
 * specifier the compiler does not follow.
 */
interface ComfyUiSim {
  readonly url: string
  readonly faults: {
    failNode(options: { classType?: string; exceptionType?: string; exceptionMessage?: string }): unknown
  }
  close(): Promise<void>
}
interface ComfyUiSimOptions {
  readonly speed?: number
  readonly previews?: boolean
}
const SIM_MODULE: string = '@comfy-progress/comfyui-sim'

export interface Pipeline {
  readonly backend: SseBackend
  readonly sim: ComfyUiSim
  readonly tasks: TaskManager
  readonly store: MemoryTaskStore
  /** Errors TaskManager reported in the background (a test expects none). */
  readonly backgroundErrors: unknown[]
}

/** A workflow submitted in the recordings (`fixtures/comfyui/workflows/`), e.g. `'txt2img-basic.json'`. */
export function loadWorkflow(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${ROOT}fixtures/comfyui/workflows/${name}`, 'utf8')) as Record<
    string,
    unknown
  >
}

/** Starts the simulator, the client and the task manager; the backend serves every `/api` route. */
export async function startPipeline(options: { sim?: ComfyUiSimOptions } = {}): Promise<Pipeline> {
  const { createComfyUiSim } = (await import(SIM_MODULE)) as {
    createComfyUiSim: (options: ComfyUiSimOptions) => Promise<ComfyUiSim>
  }
  const sim = await createComfyUiSim({ speed: 4, ...options.sim })
  const client = new ComfyClient({ baseUrl: sim.url })
  const store = new MemoryTaskStore()
  const backgroundErrors: unknown[] = []
  const tasks = new TaskManager({
    client,
    store,
    basePath: '/api',
    onError: (error) => void backgroundErrors.push(error),
  })
  const handle = createHandler({ tasks, retryMs: 1000, heartbeatMs: 1000 })
  const unsupported = () =>
    Promise.reject(new Error('the pipeline makes its tasks through POST /api/generate'))
  return {
    sim,
    tasks,
    store,
    backgroundErrors,
    backend: {
      name: 'pipeline',
      handle: (req, res) => void handle(req, res),
      createTask: unsupported,
      push: unsupported,
      close: async () => {
        await tasks.close()
        await client.close()
        await sim.close()
      },
    },
  }
}
