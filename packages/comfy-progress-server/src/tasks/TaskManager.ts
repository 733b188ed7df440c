import { randomUUID } from 'node:crypto'
import {
  type ComfyImageRef,
  ComfyProgressError,
  type PromptOutputs,
  type TaskResult,
  toComfyProgressError,
} from '@comfy-progress/core'
import { createImageSigner, type ImageRef, type ImageSigner } from '../images/createImageSigner.js'
import type { EventBus } from '../store/EventBus.js'
import { MemoryEventBus } from '../store/MemoryEventBus.js'
import { MemoryTaskStore } from '../store/MemoryTaskStore.js'
import type { TaskPreviewImage, TaskRecord, TaskStore } from '../store/TaskStore.js'
import type { PreparedTaskWebhook } from '../webhooks/WebhookDispatcher.js'
import { createTaskId } from './createTaskId.js'
import { adoptTask } from './adoptTask.js'
import { BackendWatchdog } from './BackendWatchdog.js'
import { chooseBackend, isHealthy } from './chooseBackend.js'
import { QueueLengths } from './QueueLengths.js'
import type {
  BackendHealth,
  CancelAction,
  CreateTaskRequest,
  TaskComfyClient,
  TaskManagerHealth,
  TaskBackend,
  TaskManagerOptions,
} from './TaskManagerOptions.js'
import type { TaskHandoff, TaskOwnership, TakeoverClient } from './TaskOwnership.js'
import { TaskRun, type TaskRunContext } from './TaskRun.js'

/**
 * Runs generations as tasks. `create` answers with a `taskId` at once and never waits for ComfyUI:
 * the workflow is submitted through `ComfyClient` in the background, the prompt's frames are folded
 * into progress by core's reducer, and every change becomes a task event written to the `TaskStore`
 * and published on the `EventBus`, in order. The completed event's `result` points at the server's own
 * signed image route; an error carries ComfyUI's message and node, without tracebacks or file paths;
 * an interrupt becomes `cancelled`. Finished tasks expire with the store (5 minutes by default).
 *
 * Nothing here assumes one process: state lives in the store and the bus, so with a shared store any
 * instance can serve a task's stream, status and preview, and cancel it.
 *
 * @example
 * ```ts
 * const client = new ComfyClient({ baseUrl: 'http://127.0.0.1:8188' })
 * const tasks = new TaskManager({ client })
 * const { taskId } = await tasks.create({ workflow, workflowName: 'txt2img', prompt: 'a cat' })
 * ```
 */
export class TaskManager {
  /** Where tasks and events are kept (the SSE routes read it). */
  readonly store: TaskStore
  /** Where events are published (the SSE routes subscribe to it). */
  readonly bus: EventBus
  /** The ComfyUI backends, the `client` option first (as `default`). */
  readonly #backends: readonly Backend[]
  /** Whether there are several backends (tasks and image URLs then name theirs). */
  readonly #several: boolean
  /** The backend of each task this instance follows. */
  readonly #backendOf = new Map<string, Backend>()
  /** Prompts of tasks given up on a lost backend, per backend: cancelled there if it comes back. */
  readonly #givenUp = new Map<string, Map<string, string>>()
  readonly #options: TaskManagerOptions
  readonly #signer: ImageSigner
  readonly #now: () => number
  readonly #runs = new Map<string, TaskRun>()
  readonly #ownership: TaskOwnership | null
  /** How to stop the webhook watches of taken-over tasks (dropped again if the task is lost). */
  readonly #adoptedWatches = new Map<string, () => void>()
  /** Ends the tasks of a backend unreachable for longer than `backendLostTimeoutMs`. */
  readonly #watchdog: BackendWatchdog
  /** The backends' queue lengths, read over HTTP when no status frame came recently. */
  readonly #queues: QueueLengths
  #closed = false

  constructor(options: TaskManagerOptions) {
    this.#options = options
    this.#backends = resolveBackends(options)
    this.#several = this.#backends.length > 1
    const timing = resolveTiming(options)
    this.store = options.store ?? new MemoryTaskStore()
    this.bus = options.bus ?? new MemoryEventBus()
    this.#now = options.now ?? Date.now
    // Connect now, so that /health reports ComfyUI's real state before the first task.
    for (const { client } of this.#backends) client.connect().catch(() => undefined)
    this.#queues = new QueueLengths({
      maxAgeMs: timing.queueLengthMaxAgeMs,
      timeoutMs: timing.queueLengthTimeoutMs,
    })
    if (this.#several) for (const backend of this.#backends) this.#queues.watch(backend)
    this.#watchdog = new BackendWatchdog({
      backends: this.#backends,
      timeoutMs: timing.backendLostTimeoutMs,
      onLost: (id, unreachableMs) => this.#backendLost(id, unreachableMs),
      onBack: (id) => this.#backendBack(id),
    })
    this.#watchdog.start()
    this.#signer = createImageSigner({
      basePath: options.basePath ?? '',
      ...(options.imageSecret === undefined ? {} : { secret: options.imageSecret }),
    })
    // Several instances: take over the tasks of instances that die, drop those another one took.
    this.#ownership = options.ownership ?? null
    this.#ownership?.start({
      clientId: this.#backends[0]!.client.clientId,
      adopt: (taskId, handoff, client) => this.#adopt(taskId, handoff, client),
      lost: (taskId) => {
        this.#runs.get(taskId)?.abandon()
        this.#runs.delete(taskId)
        this.#leave(taskId)
        // The new owner delivers the task's webhooks from now on.
        this.#adoptedWatches.get(taskId)?.()
        this.#adoptedWatches.delete(taskId)
      },
      endedElsewhere: (taskId) => {
        // A cancel on another instance wrote the terminal event: stop following the prompt, but the
        // webhooks watched here deliver it before the lease goes.
        this.#runs.get(taskId)?.abandon()
        this.#runs.delete(taskId)
        this.#leave(taskId)
        this.#adoptedWatches.delete(taskId)
        this.#releaseAfterWebhooks(taskId)
      },
    })
  }

  /**
   * Creates a task and starts it in the background; resolves with its id once its first event
   * (`queued`) is stored. Rejects with `TOO_MANY_TASKS` at the live-task cap, `TASK_MANAGER_CLOSED`,
   * or `STORE_UNAVAILABLE`; a request's `webhook` is checked first and refused with
   * `WEBHOOKS_DISABLED`, `WEBHOOK_CONFIG_INVALID`, `WEBHOOK_URL_INVALID`, `WEBHOOK_URL_FORBIDDEN` or
   * `WEBHOOK_SECRET_INVALID`, before any task exists. ComfyUI's own failures (a rejected workflow, a
   * server that is down) end the task with an `error` event instead: the caller already has its id.
   * With several backends, queue lengths that no status frame refreshed lately are read from
   * ComfyUI's `GET /prompt` first, which delays the answer by `queueLengthTimeoutMs` at most.
   */
  async create(request: CreateTaskRequest): Promise<{ readonly taskId: string }> {
    if (this.#closed) throw new ComfyProgressError('TASK_MANAGER_CLOSED')
    const webhook = this.#prepareWebhook(request.webhook)
    // One backend keeps the old behaviour (a ComfyUI that is down ends the task with an error event);
    // among several, a task goes only to a healthy one.
    const backend = this.#several ? await this.#chooseBackend() : this.#backends[0]!
    if (this.#closed) throw new ComfyProgressError('TASK_MANAGER_CLOSED')
    const { clientId } = backend.client
    const backendId = this.#several ? { backend: backend.id } : {}
    const taskId = createTaskId()
    await this.#store(() =>
      this.store.create({
        taskId,
        metadata: {
          ...(request.prompt === undefined ? {} : { prompt: request.prompt }),
          ...(request.workflowName === undefined ? {} : { workflow: request.workflowName }),
          clientId,
          ...backendId,
          ...(request.result === undefined ? {} : { app: request.result }),
        },
      }),
    )
    if (this.#ownership !== null) {
      const handoff: TaskHandoff = { request, clientId, ...backendId }
      await this.#store(() => this.#ownership!.claim(taskId, handoff))
    }
    await this.#watchWebhooks(taskId, webhook)
    const run = new TaskRun(taskId, request, this.#runContext(null, backend))
    this.#runs.set(taskId, run)
    this.#join(taskId, backend)
    await run.start()
    void this.#submit(run, request, backend)
    return { taskId }
  }

  /** The task's record (metadata and latest event). Rejects with `TASK_NOT_FOUND` or `TASK_EXPIRED`. */
  async get(taskId: string): Promise<TaskRecord> {
    const record = await this.#store(() => this.store.get(taskId))
    if (record !== undefined) return record
    const expired = await this.#store(() => this.store.isExpired(taskId))
    throw new ComfyProgressError(expired ? 'TASK_EXPIRED' : 'TASK_NOT_FOUND', undefined, {
      details: { taskId },
    })
  }

  /**
   * Cancels a task: a prompt still pending in ComfyUI's queue is removed (`removed`), a running one is
   * interrupted by its prompt id (`interrupted`); the task then ends with a `cancelled` event. Rejects
   * with `TASK_NOT_FOUND`, `TASK_EXPIRED`, `TASK_FINISHED` (it already ended, or ComfyUI finished it just
   * now: a prompt that started between the read of the queue and its delete and has a history
   * entry; the task then ends with ComfyUI's real outcome), or ComfyUI's HTTP errors.
   */
  async cancel(taskId: string): Promise<CancelAction> {
    const record = await this.get(taskId)
    if (record.finishedAt !== null) throw finished(taskId)
    const run = this.#runs.get(taskId)
    // A run of this instance knows whether ComfyUI accepted its prompt yet (with ownership on, the
    // stored prompt id is written before the submit); otherwise the stored id is all there is.
    const promptId = run !== undefined ? run.promptId : (record.metadata.promptId ?? null)
    if (promptId === null) {
      // Not submitted yet: end the task now; the submit, when it returns, removes the prompt.
      if (run === undefined) throw finished(taskId)
      run.cancelled()
      await run.settled()
      return 'removed'
    }
    const { client } = this.#backendOfRecord(record)
    const action = await client.cancel(promptId)
    if (action === 'not-found') throw finished(taskId)
    if (action === 'removed') {
      if (run !== undefined) run.cancelled()
      // Another instance follows the prompt. ComfyUI may have started it between the read of its
      // queue and the delete (a no-op then), and finished it before the queue was read again: only a
      // prompt without a history entry was removed. One that ran is left to its owner, which writes
      // its real outcome.
      else if ((await client.api.getHistory(promptId)) !== null) throw finished(taskId)
      else await this.#appendCancelled(record)
    }
    await run?.settled()
    return action
  }

  /** The latest live preview of a running task. Rejects with `PREVIEW_NOT_AVAILABLE` if it has none. */
  async preview(taskId: string): Promise<TaskPreviewImage> {
    const preview = await this.#store(() => this.store.getPreview(taskId))
    if (preview === undefined) {
      throw new ComfyProgressError('PREVIEW_NOT_AVAILABLE', undefined, { details: { taskId } })
    }
    return preview
  }

  /**
   * A result image by the reference and signature of its URL, fetched from ComfyUI's `/view`. Rejects
   * with `IMAGE_NOT_FOUND` for a bad signature or a file ComfyUI does not have.
   */
  async image(
    ref: ImageRef,
    sig: string,
  ): Promise<{ readonly bytes: Uint8Array; readonly contentType: string }> {
    if (!this.#signer.verify(ref, sig)) throw new ComfyProgressError('IMAGE_NOT_FOUND')
    const { backend: backendId, ...file } = ref
    const backend =
      backendId === undefined ? this.#backends[0]! : this.#backends.find((b) => b.id === backendId)
    if (backend === undefined) throw new ComfyProgressError('IMAGE_NOT_FOUND')
    try {
      return await backend.client.api.view(file)
    } catch (error) {
      const status = (error as ComfyProgressError).details as { status?: number } | undefined
      if ((error as ComfyProgressError).code === 'COMFY_HTTP_ERROR' && status?.status === 404) {
        throw new ComfyProgressError('IMAGE_NOT_FOUND', undefined, { cause: error })
      }
      throw error
    }
  }

  /** ComfyUI's connection and breaker state, its queue length and the task counts: a readiness probe. */
  async health(): Promise<TaskManagerHealth> {
    const tasks = await this.#store(() => this.store.count())
    const backends: BackendHealth[] = this.#backends.map(({ id, client, inFlight }) => ({
      id,
      status: this.#closed ? 'down' : backendStatus(client),
      state: client.state,
      breaker: client.breakerState,
      queueRemaining: client.queueRemaining,
      inFlight,
    }))
    const statuses = new Set(backends.map((b) => b.status))
    const status = statuses.has('ok') ? 'ok' : statuses.has('degraded') ? 'degraded' : 'down'
    const first = backends[0]!
    return {
      status,
      comfy: { state: first.state, breaker: first.breaker, queueRemaining: first.queueRemaining },
      tasks,
      backends,
    }
  }

  /**
   * Stops accepting tasks and waits for pending writes. Tasks still running are left as they are in
   * the store (their prompts keep running on ComfyUI). Does not close the ComfyClient. Idempotent.
   */
  async close(): Promise<void> {
    this.#closed = true
    this.#watchdog.stop()
    this.#queues.close()
    await Promise.all([...this.#runs.values()].map((run) => run.settled()))
    await this.#ownership?.close()
  }

  #runContext(resumeFrom: TaskRunContext['resumeFrom'], backend: Backend): TaskRunContext {
    return {
      store: this.store,
      bus: this.bus,
      now: this.#now,
      objectInfo: this.#options.objectInfo ?? null,
      exposeInternals: this.#options.exposeInternals ?? false,
      previewUrl: (id, version) => `${this.#options.basePath ?? ''}/tasks/${id}/preview?v=${version}`,
      buildResult: (req, outputs) => this.#buildResult(req, outputs, backend),
      onError: (error, id) => this.#reportError(error, id),
      onEnded: (id) => {
        this.#runs.delete(id)
        this.#leave(id)
        this.#adoptedWatches.delete(id)
        this.#releaseAfterWebhooks(id)
      },
      resumeFrom,
    }
  }

  /**
   * The healthy backend with the shortest queue; lengths not refreshed by a status frame lately are
   * read from ComfyUI's `GET /prompt` first (waiting at most `queueLengthTimeoutMs`).
   */
  async #chooseBackend(): Promise<Backend> {
    const healthy = this.#backends.filter((backend) => isHealthy(backend.client))
    const lengths = healthy.length > 1 ? await this.#queues.read(healthy) : new Map<string, number | null>()
    const loads = this.#backends.map((backend) => ({
      id: backend.id,
      client: backend.client,
      inFlight: backend.inFlight,
      ...(lengths.has(backend.id) ? { queueRemaining: lengths.get(backend.id)! } : {}),
      backend,
    }))
    return chooseBackend(loads).backend
  }

  /** A backend unreachable for `backendLostTimeoutMs`: its tasks on this instance end with an error. */
  #backendLost(backendId: string, unreachableMs: number): void {
    for (const [taskId, backend] of this.#backendOf) {
      if (backend.id !== backendId) continue
      const run = this.#runs.get(taskId)
      if (run === undefined || run.ended) continue
      const seconds = Math.round(unreachableMs / 1000)
      if (run.promptId !== null) {
        const prompts = this.#givenUp.get(backendId) ?? new Map<string, string>()
        this.#givenUp.set(backendId, prompts.set(run.promptId, taskId))
      }
      run.backendLost(
        new ComfyProgressError(
          'COMFY_UNREACHABLE',
          this.#several
            ? `ComfyUI backend ${backendId} has been unreachable for ${seconds} s; the task was given up.`
            : `ComfyUI has been unreachable for ${seconds} s; the task was given up.`,
          { details: { backend: backendId, unreachableMs: Math.round(unreachableMs) } },
        ),
      )
    }
  }

  /**
   * A backend reported lost is connected again: the prompts of the tasks given up on it may still be
   * queued or running there (ComfyUI kept them), producing images nobody receives; cancel them.
   */
  #backendBack(backendId: string): void {
    const prompts = this.#givenUp.get(backendId)
    this.#givenUp.delete(backendId)
    const backend = this.#backends.find((b) => b.id === backendId)
    if (prompts === undefined || backend === undefined) return
    for (const [promptId, taskId] of prompts) {
      backend.client.cancel(promptId).catch((error: unknown) => this.#reportError(error, taskId))
    }
  }

  /**
   * Gives an ended task's lease up once this instance's webhook deliveries of it have settled
   * (delivered, given up, dropped), keeping it meanwhile (`hold`): should this instance die first,
   * the instance that takes the task over delivers its terminal event again. A dispatcher that closes
   * first leaves the lease to `ownership.close()`, which hands it over.
   */
  #releaseAfterWebhooks(taskId: string): void {
    const ownership = this.#ownership
    if (ownership === null) return
    const webhooks = this.#options.webhooks
    if (webhooks === undefined || ownership.hold === undefined) {
      void ownership.release(taskId)
      return
    }
    ownership.hold(taskId)
    void webhooks.settled(taskId).then((settled) => {
      if (settled) void ownership.release(taskId)
    })
  }

  /** Follows a task whose owner died (see `TaskOwnership`): reconciled by ComfyClient's `follow`. */
  async #adopt(taskId: string, handoff: TaskHandoff, client: TakeoverClient | null): Promise<void> {
    // Closed: the rejection hands the lease back for another instance.
    if (this.#closed) throw new ComfyProgressError('TASK_MANAGER_CLOSED')
    if (this.#runs.has(taskId)) return
    const record = await this.#store(() => this.store.get(taskId))
    if (record === undefined) {
      await this.#ownership?.release(taskId)
      return
    }
    if (record.finishedAt !== null) {
      // It ended, but its owner died before its webhook deliveries settled: deliver the terminal
      // event again (same `webhook-id`: receivers de-duplicate), then let the task go.
      await this.#watchAdoptedWebhooks(taskId, handoff, Math.max(0, (record.latest?.seq ?? 1) - 1))
      this.#adoptedWatches.delete(taskId)
      this.#releaseAfterWebhooks(taskId)
      return
    }
    await this.#watchAdoptedWebhooks(taskId, handoff)
    const backend = this.#backendOfRecord(record)
    const run = new TaskRun(taskId, handoff.request, this.#runContext(record.latest?.event ?? null, backend))
    this.#runs.set(taskId, run)
    this.#join(taskId, backend)
    // The backend's own client when the prompt was submitted under its client id (this instance
    // restarted with the same ids), else the takeover client connected under the prompt's id.
    const own = backend.client.clientId === handoff.clientId ? backend.client : null
    adoptTask(run, record, own ?? client ?? backend.client)
  }

  /**
   * Webhooks of a taken-over task: the dispatcher replays the task's stored events (the dead owner may
   * not have delivered them; receivers deduplicate by `webhook-id`), then follows it live. The
   * request's own webhook came along in the handoff and is checked again here.
   */
  async #watchAdoptedWebhooks(taskId: string, handoff: TaskHandoff, afterSeq = 0): Promise<void> {
    const webhooks = this.#options.webhooks
    if (webhooks === undefined) return
    let webhook: PreparedTaskWebhook | undefined
    try {
      webhook = this.#prepareWebhook(handoff.request.webhook)
    } catch (error) {
      // This instance refuses it (per-task webhooks off here): the app's endpoints still get events.
      this.#reportError(error, taskId)
    }
    try {
      const stop = await webhooks.watch(taskId, {
        bus: this.bus,
        replay: { store: this.store, afterSeq },
        ...(webhook === undefined ? {} : { webhook }),
      })
      this.#adoptedWatches.set(taskId, stop)
    } catch (error) {
      this.#reportError(error, taskId)
    }
  }

  async #submit(run: TaskRun, request: CreateTaskRequest, { client }: Backend): Promise<void> {
    try {
      // With several instances the prompt id is stored before the submit, so that an instance taking
      // the task over finds the prompt even if this one dies while ComfyUI accepts it.
      const promptId = this.#ownership === null ? undefined : randomUUID()
      if (promptId !== undefined) await this.store.updateMetadata(run.taskId, { promptId })
      const submitted = await client.submit(request.workflow, {
        listener: run.onPromptEvent,
        ...(promptId === undefined ? {} : { promptId }),
      })
      run.promptId = submitted.promptId
      if (run.ended) {
        // Cancelled while the submit was in flight.
        await client
          .cancel(submitted.promptId)
          .catch((error: unknown) => this.#reportError(error, run.taskId))
        return
      }
      await this.store.updateMetadata(run.taskId, { promptId: submitted.promptId })
    } catch (error) {
      run.submitFailed(toComfyProgressError(error, 'COMFY_UNREACHABLE'))
    }
  }

  #buildResult(request: CreateTaskRequest, outputs: PromptOutputs, backend: Backend): TaskResult | null {
    const images = Object.values(outputs).flatMap((output) => output?.images ?? [])
    const image: ComfyImageRef | undefined = images.find((i) => i.type === 'output') ?? images[0]
    if (image === undefined) return null
    const { imageUrl: _ignored, ...app } = request.result ?? {}
    return {
      imageUrl: this.#signer.url(this.#several ? { ...image, backend: backend.id } : image),
      ...(request.prompt === undefined ? {} : { prompt: request.prompt }),
      ...(request.workflowName === undefined ? {} : { workflow: request.workflowName }),
      ...app,
    }
  }

  /** A cancel of a task this instance does not follow (another instance submitted it). */
  async #appendCancelled(record: TaskRecord): Promise<void> {
    const latest = record.latest?.event
    const event = {
      taskId: record.taskId,
      status: 'cancelled' as const,
      progress: {
        ...(latest?.progress ?? { percentage: 0, currentValue: 0, maxValue: 0 }),
        currentStep: 'Cancelled',
      },
      timestamp: new Date(this.#now()).toISOString(),
    }
    await this.#store(async () => this.bus.publish(await this.store.append(record.taskId, event)))
  }

  /** The backend stored with a task (the first one for a task without, or naming one unknown here). */
  #backendOfRecord(record: TaskRecord): Backend {
    const id = record.metadata.backend
    return (id === undefined ? undefined : this.#backends.find((b) => b.id === id)) ?? this.#backends[0]!
  }

  #join(taskId: string, backend: Backend): void {
    this.#backendOf.set(taskId, backend)
    backend.inFlight++
  }

  #leave(taskId: string): void {
    const backend = this.#backendOf.get(taskId)
    if (backend === undefined) return
    this.#backendOf.delete(taskId)
    backend.inFlight--
  }

  async #store<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation()
    } catch (error) {
      throw toComfyProgressError(error, 'STORE_UNAVAILABLE')
    }
  }

  // webhooks: a request's own webhook is checked before the task exists; the dispatcher watches the
  // task before its first event is published, so no event is missed.
  #prepareWebhook(webhook: unknown): PreparedTaskWebhook | undefined {
    if (webhook === undefined) return undefined
    const webhooks = this.#options.webhooks
    if (webhooks === undefined) throw new ComfyProgressError('WEBHOOKS_DISABLED')
    return webhooks.prepareTaskWebhook(webhook)
  }

  async #watchWebhooks(taskId: string, webhook: PreparedTaskWebhook | undefined): Promise<void> {
    try {
      await this.#options.webhooks?.watch(taskId, {
        bus: this.bus,
        ...(webhook === undefined ? {} : { webhook }),
      })
    } catch (error) {
      // Deliveries are best-effort next to the task itself: report, and run the task anyway.
      this.#reportError(error, taskId)
    }
  }

  #reportError(error: unknown, taskId: string): void {
    if (this.#options.onError) this.#options.onError(error, taskId)
    else console.error(`comfy-progress: task ${taskId} failed in the background`, error)
  }
}

/** A backend with the count of tasks this instance follows on it. */
interface Backend extends TaskBackend {
  inFlight: number
}

function resolveBackends(options: TaskManagerOptions): readonly Backend[] {
  const listed: readonly unknown[] = Array.isArray(options.backends) ? options.backends : []
  if (options.backends !== undefined && !Array.isArray(options.backends)) throw invalidOption('backends')
  const backends: Backend[] = []
  if (options.client !== undefined) backends.push({ id: 'default', client: options.client, inFlight: 0 })
  for (const entry of listed) {
    const { id, client } = (entry ?? {}) as Partial<TaskBackend>
    if (typeof id !== 'string' || id === '' || backends.some((b) => b.id === id))
      throw invalidOption('backends')
    if (typeof client !== 'object' || client === null) throw invalidOption('backends')
    backends.push({ id, client, inFlight: 0 })
  }
  if (backends.length === 0) throw invalidOption('client')
  return backends
}

/** The backend timing options of {@link TaskManagerOptions}, resolved. */
interface BackendTiming {
  readonly backendLostTimeoutMs: number
  readonly queueLengthMaxAgeMs: number
  readonly queueLengthTimeoutMs: number
}

function resolveTiming(options: TaskManagerOptions): BackendTiming {
  return {
    backendLostTimeoutMs: timingOption(options, 'backendLostTimeoutMs', {
      fallback: 300_000,
      positive: true,
    }),
    queueLengthMaxAgeMs: timingOption(options, 'queueLengthMaxAgeMs', { fallback: 15_000 }),
    queueLengthTimeoutMs: timingOption(options, 'queueLengthTimeoutMs', { fallback: 250, finite: true }),
  }
}

/** A duration option in ms: not negative (not 0 with `positive`, not `Infinity` with `finite`). */
function timingOption(
  options: TaskManagerOptions,
  key: keyof BackendTiming,
  rule: { readonly fallback: number; readonly positive?: boolean; readonly finite?: boolean },
): number {
  const value: unknown = options[key]
  if (value === undefined) return rule.fallback
  const valid =
    typeof value === 'number' &&
    value >= 0 &&
    !(rule.positive === true && value === 0) &&
    !(rule.finite === true && !Number.isFinite(value))
  if (!valid) throw invalidOption(key)
  return value
}

function invalidOption(option: string): ComfyProgressError {
  return new ComfyProgressError('TASK_MANAGER_OPTIONS_INVALID', undefined, { details: { option } })
}

function backendStatus(client: TaskComfyClient): BackendHealth['status'] {
  if (isHealthy(client)) return 'ok'
  const { state, breakerState } = client
  return breakerState === 'open' || state === 'disconnected' || state === 'error' ? 'down' : 'degraded'
}

function finished(taskId: string): ComfyProgressError {
  return new ComfyProgressError('TASK_FINISHED', undefined, { details: { taskId } })
}
