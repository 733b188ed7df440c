import type { ComfyClient, ComfyObjectInfo, ComfyWorkflow } from '@comfy-progress/core'
import type { EventBus } from '../store/EventBus.js'
import type { TaskStore } from '../store/TaskStore.js'
import type { TaskWebhookConfig } from '../webhooks/parseWebhookConfig.js'
import type { WebhookDispatcher } from '../webhooks/WebhookDispatcher.js'
import type { TaskOwnership } from './TaskOwnership.js'

/** What {@link TaskManager} needs of a `ComfyClient` (a real one in production; any stand-in in tests). */
export type TaskComfyClient = Pick<
  ComfyClient,
  'clientId' | 'connect' | 'submit' | 'cancel' | 'state' | 'breakerState' | 'queueRemaining' | 'api'
>

/** One ComfyUI server of several (one per GPU is common), under an id of the app's choosing. */
export interface TaskBackend {
  /** A short stable name (`gpu0`): stored with each task and put in its image URLs. */
  readonly id: string
  /** The connection to this server. The app owns it: `TaskManager.close()` does not close it. */
  readonly client: TaskComfyClient
}

/** Options of `TaskManager`. `client` or `backends` is required. */
export interface TaskManagerOptions {
  /**
   * The connection to ComfyUI; the TaskManager starts connecting it at once. The app owns it:
   * `TaskManager.close()` does not close it. With `backends` too, it is one more backend, id `default`,
   * listed first.
   * @default undefined (then `backends` is required)
   */
  readonly client?: TaskComfyClient
  /**
   * Several ComfyUI servers: each new task goes to the healthy one (connected, breaker not open) with
   * the shortest queue, fewest tasks in flight from this instance breaking ties, and stays there
   * (cancel, images and takeover use the backend stored with the task). With none healthy, `create`
   * rejects with `COMFY_NO_BACKEND`. Ids must be unique and non-empty, else `TASK_MANAGER_OPTIONS_INVALID`.
   * @default [] (only `client`)
   */
  readonly backends?: readonly TaskBackend[]
  /**
   * How long a task waits for its ComfyUI backend to come back, in ms. While a backend's WebSocket is
   * not connected its tasks wait: if it returns in time they are reconciled through `/queue` and
   * `/history` and go on (a prompt ComfyUI lost in a restart ends with `COMFY_PROMPT_LOST`). Once it
   * has been unreachable this long, every task this instance follows on it ends with an `error` event,
   * code `COMFY_UNREACHABLE`, whose details name the backend; when the backend returns, their
   * prompts are cancelled there (removed from its queue or interrupted). `Infinity` waits forever. Not a positive number →
   * `TASK_MANAGER_OPTIONS_INVALID`.
   * @default 300000 (5 minutes)
   */
  readonly backendLostTimeoutMs?: number
  /**
   * With several `backends`: how old a backend's queue length may be, in ms, before `create` reads it
   * again from ComfyUI's `GET /prompt` (`exec_info.queue_remaining`). ComfyUI sends a `status` frame
   * only when its queue changes, so a quiet backend's length is read again at most this often.
   * @default 15000
   */
  readonly queueLengthMaxAgeMs?: number
  /**
   * With several `backends`: the timeout of that `GET /prompt` read, in ms. `create` waits for it no
   * longer; a backend that does not answer in time is weighed by its last known queue length.
   * @default 250
   */
  readonly queueLengthTimeoutMs?: number
  /**
   * Where tasks and their events are kept.
   * @default new MemoryTaskStore()
   */
  readonly store?: TaskStore
  /**
   * Where events are published to SSE streams.
   * @default new MemoryEventBus()
   */
  readonly bus?: EventBus
  /**
   * Where the routes are mounted, e.g. `/api`: prefixes the image and preview URLs put in events.
   * @default ''
   */
  readonly basePath?: string
  /**
   * The key that signs result image URLs. Set the same one on every instance behind a load balancer,
   * and keep it across restarts if the app stores `result.imageUrl`.
   * @default 32 random bytes per process
   */
  readonly imageSecret?: string | Uint8Array
  /**
   * The server's `GET /object_info`, to find output nodes and display names for the progress model.
   * @default null (the progress model uses its built-in tables)
   */
  readonly objectInfo?: ComfyObjectInfo | null
  /**
   * Send ComfyUI's error messages with absolute file paths in them (they are stripped by default).
   * Tracebacks are never sent.
   * @default false
   */
  readonly exposeInternals?: boolean
  /**
   * The clock for event timestamps and the progress model, in ms since the epoch.
   * @default Date.now
   */
  readonly now?: () => number
  /**
   * Leases that let several instances share tasks: each task is followed by exactly one instance, and
   * the tasks of an instance that dies are taken over by another (`RedisTaskLeases` from
   * `@comfy-progress/server/redis`). `close()` closes it.
   * @default null (one instance follows the tasks it created)
   */
  readonly ownership?: TaskOwnership | null
  /**
   * Webhooks: every task created is watched by this dispatcher (its app endpoints), and a request's
   * own `webhook` is accepted when the dispatcher enables per-task webhooks. The app owns it:
   * `TaskManager.close()` does not close it.
   * @default undefined (no webhooks; a request with a `webhook` is refused with `WEBHOOKS_DISABLED`)
   */
  readonly webhooks?: WebhookDispatcher
  /**
   * Called with failures that happen after `create` answered (a store that fails while a task runs).
   * @default reports with `console.error`
   */
  readonly onError?: (error: unknown, taskId: string) => void
}

/** What the app asks for: one generation. */
export interface CreateTaskRequest {
  /** The workflow in ComfyUI's API format (what `POST /prompt` takes as `prompt`). */
  readonly workflow: ComfyWorkflow
  /** The workflow's name, for the task metadata and `result.workflow`. */
  readonly workflowName?: string
  /** The generation's prompt text, for the task metadata and `result.prompt`. */
  readonly prompt?: string
  /**
   * Fields copied into the `result` of the completed event as they are (seed, uid, name, description,
   * inpaint, inpaintArea…). `imageUrl` is always the server's own.
   */
  readonly result?: Readonly<Record<string, unknown>>
  /**
   * A webhook for this task only, `{url, events?, secret?}`: checked (URL, SSRF guard, secret) before
   * the task is created. Needs `webhooks` with per-task webhooks enabled, else `WEBHOOKS_DISABLED`.
   */
  readonly webhook?: TaskWebhookConfig
}

/** What `TaskManager.cancel` did: removed a pending prompt from ComfyUI's queue, or interrupted a running one. */
export type CancelAction = 'removed' | 'interrupted'

/** The readiness of the server, for `GET /health`. */
export interface TaskManagerHealth {
  /**
   * `ok` while connected to ComfyUI; `degraded` while (re)connecting; `down` while the breaker is open
   * or the client is closed. With several backends: `ok` while one is `ok`, `degraded` while one is
   * `degraded`, else `down`.
   */
  readonly status: 'ok' | 'degraded' | 'down'
  readonly comfy: {
    readonly state: TaskComfyClient['state']
    readonly breaker: TaskComfyClient['breakerState']
    /** ComfyUI's queue length (pending + running), `null` until known. */
    readonly queueRemaining: number | null
  }
  readonly tasks: { readonly live: number; readonly finished: number }
  /** Each backend's state (one entry, `default`, with the `client` option alone); `comfy` is the first's. */
  readonly backends: readonly BackendHealth[]
}

/** One ComfyUI backend in {@link TaskManagerHealth}. */
export interface BackendHealth {
  readonly id: string
  readonly status: 'ok' | 'degraded' | 'down'
  readonly state: TaskComfyClient['state']
  readonly breaker: TaskComfyClient['breakerState']
  readonly queueRemaining: number | null
  /** Tasks this instance submitted to it and still follows. */
  readonly inFlight: number
}
