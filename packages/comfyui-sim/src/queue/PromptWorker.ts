import type { ExecutionOutcome, PromptExecutor, RunState } from '../execution/PromptExecutor.js'
import { executingDoneFrame } from '../frames/textFrames.js'
import { type Scheduler, SchedulerCancelled } from '../internal/Scheduler.js'
import type { WsHub } from '../ws/WsHub.js'
import type { HistoryEntry, PromptQueue, QueueItem } from './PromptQueue.js'

/**
 * ComfyUI's single worker thread (`prompt_worker` in `main.py`): takes one prompt at a time, runs
 * it, writes history, announces the shorter queue, and sends the submitter `executing {node: null}`.
 *
 * @module
 */

/** What the worker drives. */
export interface PromptWorkerOptions {
  readonly queue: PromptQueue
  readonly hub: WsHub
  readonly scheduler: Scheduler
  readonly state: RunState
  /** The executor for the next prompt (simulated or replay). */
  readonly executor: (item: QueueItem) => PromptExecutor
  /** Delay before the worker takes a prompt, already scaled. */
  readonly pickupMs: () => number
}

/** The queue worker. */
export class PromptWorker {
  private looping = false
  private generation = 0
  private paused = false
  private idleWaiters: (() => void)[] = []
  private readonly finished = new Map<string, ((entry: HistoryEntry) => void)[]>()

  constructor(private readonly options: PromptWorkerOptions) {}

  /** Starts working if a prompt waits (after `POST /prompt`, `resume()` or a restart). */
  wake(): void {
    if (this.looping || this.paused || !this.options.queue.hasPending) return
    this.looping = true
    void this.loop()
  }

  /** Stops taking new prompts; the running one finishes. */
  pause(): void {
    this.paused = true
  }

  /** Takes prompts again. */
  resume(): void {
    this.paused = false
    this.wake()
  }

  /** Resolves when nothing runs and nothing waits (or the worker is paused and idle). */
  whenIdle(): Promise<void> {
    if (!this.looping) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** Resolves with the history entry when `promptId` finishes. */
  whenFinished(promptId: string): Promise<HistoryEntry> {
    const entry = this.options.queue.historyOf(promptId)
    if (entry) return Promise.resolve(entry)
    return new Promise((resolve) => {
      const waiters = this.finished.get(promptId) ?? []
      waiters.push(resolve)
      this.finished.set(promptId, waiters)
    })
  }

  /** Forgets waiters and the loop after a restart (the scheduler has cancelled the running prompt). */
  reset(): void {
    this.generation++
    this.looping = false
    this.paused = false
    this.releaseIdle()
  }

  private async loop(): Promise<void> {
    const { queue, hub, state, scheduler } = this.options
    const generation = this.generation
    try {
      while (!this.paused && queue.hasPending) {
        await scheduler.sleep(this.options.pickupMs())
        const item = queue.take()
        if (!item) continue
        const outcome = await this.run(item)
        state.lastNodeId = undefined
        const entry = historyEntry(item, outcome)
        queue.finish(entry)
        if (item[3].client_id !== undefined) hub.send(item[3].client_id, executingDoneFrame(item[1]))
        for (const resolve of this.finished.get(item[1]) ?? []) resolve(entry)
        this.finished.delete(item[1])
      }
    } catch (error) {
      if (!(error instanceof SchedulerCancelled)) throw error
      return
    } finally {
      if (generation === this.generation && this.looping) {
        this.looping = false
        this.releaseIdle()
      }
    }
  }

  private async run(item: QueueItem): Promise<ExecutionOutcome> {
    try {
      return await this.options.executor(item).execute(item)
    } catch (error) {
      if (error instanceof SchedulerCancelled) throw error
      // A bug in the simulator must not stop the queue: the prompt fails, as a crashing node would.
      const message = error instanceof Error ? error.message : String(error)
      const data = {
        prompt_id: item[1],
        exception_type: 'comfyui-sim.InternalError',
        exception_message: message,
      }
      return { success: false, messages: [['execution_error', data]], outputs: {}, meta: {} }
    }
  }

  private releaseIdle(): void {
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const resolve of waiters) resolve()
  }
}

function historyEntry(item: QueueItem, outcome: ExecutionOutcome): HistoryEntry {
  return {
    prompt: item,
    outputs: outcome.outputs,
    status: {
      status_str: outcome.success ? 'success' : 'error',
      completed: outcome.success,
      messages: outcome.messages,
    },
    meta: outcome.meta,
  }
}
