/**
 * The server side of a soak run, whatever its shape (one in-process instance on the memory store, or
 * several processes sharing Redis): the simulator, the instances' base URLs, and what the runner
 * needs from them. Also the settings every instance uses, shortened so that a soak of a thousand
 * generations under faults fits in minutes.
 */
import type { ComfyClientOptions } from '@comfy-progress/core'
import type { ComfyUiSim } from '@comfy-progress/comfyui-sim'
import type { TaskRecord } from '../src/store/TaskStore.js'
import type { WebhookEndpointConfig } from '../src/webhooks/parseWebhookConfig.js'
import type { WebhookDispatcherOptions } from '../src/webhooks/WebhookDispatcherOptions.js'

/** A running stack. */
export interface SoakStack {
  readonly sim: ComfyUiSim
  /** The base URLs of the instances alive now (the node adapter at the root path). */
  instances(): readonly string[]
  /** What the store holds for a task: its ComfyUI prompt id (if any yet) and latest status. */
  taskOf(taskId: string): Promise<SoakTaskView | undefined>
  /** Cuts every open HTTP connection of every instance (as a restarting proxy would). */
  dropConnections(): void
  /** SIGKILLs one instance (stacks with several only); resolves with its name. */
  killOne?(): Promise<string>
  /** Starts a fresh instance in place of the killed one, as an orchestrator would. */
  replaceKilled?(): Promise<void>
  /** Background errors the instances reported (`onError`), as `code: message` lines. */
  readonly errors: string[]
  close(): Promise<void>
}

/** What the soak reads of a task in the store. */
export interface SoakTaskView {
  readonly promptId?: string | undefined
  readonly status?: string | undefined
  /** How long the task took to end (its terminal event's time minus its creation), if it ended. */
  readonly tookMs?: number | undefined
  /** The terminal error's code and message, if it ended with one. */
  readonly error?: string | undefined
}

/** Where webhooks go: the app's endpoints (every task), and the secret of per-task webhooks. */
export interface SoakWebhooks {
  readonly endpoints: readonly WebhookEndpointConfig[]
  readonly taskSecret: string
}

/** ComfyClient settings: quick reconnects, a breaker that opens only on a long outage. */
export const soakClientOptions = {
  backoff: { initialDelayMs: 50, maxDelayMs: 1_000 },
  breaker: { failureThreshold: 30, cooldownMs: 500 },
  stableAfterMs: 500,
  requestTimeoutMs: 5_000,
  connectTimeoutMs: 3_000,
} satisfies Omit<ComfyClientOptions, 'baseUrl'>

/** Handler settings: quick SSE retry hint, stalled clients dropped soon, no coalescing before that. */
export const soakHandlerOptions = {
  retryMs: 100,
  heartbeatMs: 1_000,
  maxStallMs: 1_500,
  // Without coalescing every event reaches a slow client, so any gap in its ids is a bug.
  coalesceAboveBytes: 1024 * 1024,
  maxQueuedBytes: 1024 * 1024,
} as const

/** Dispatcher settings: short timeouts and retries, loopback receivers allowed. */
export function soakDispatcherOptions(webhooks: SoakWebhooks): WebhookDispatcherOptions {
  return {
    endpoints: webhooks.endpoints,
    taskWebhooks: { secret: webhooks.taskSecret },
    allow: ['127.0.0.1'],
    timeoutMs: 1_000,
    throttleMs: 100,
    retry: { initialDelayMs: 50, maxDelayMs: 800, maxAttempts: 1_000, maxElapsedMs: 600_000 },
  }
}

/** How fast the simulator runs (a 20-step txt2img in about 40 ms). */
export const SOAK_SIM_SPEED = 40

/** A background error as one line. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return `${typeof code === 'string' ? code : error.name}: ${error.message}`
  }
  return String(error)
}

/** The soak's view of a stored task. */
export function viewOfTask(record: TaskRecord): SoakTaskView {
  const event = record.latest?.event
  return {
    promptId: record.metadata.promptId,
    status: event?.status,
    tookMs: record.finishedAt === null ? undefined : record.finishedAt - record.createdAt,
    error:
      event?.status === 'error'
        ? `${event.error.code ?? 'no code'}: ${event.error.details ?? ''}`
        : undefined,
  }
}
