import type { ApiPrompt } from '../validation/ApiPrompt.js'

/**
 * ComfyUI's `PromptQueue` (`execution.py`): a min-heap of pending prompts ordered by `number`, at
 * most one running prompt, and the in-memory history (oldest first, capped at 10 000 entries). Every
 * change that ComfyUI announces calls `onChange`, which broadcasts a `status` frame.
 *
 * @module
 */

/** `extra_data` of a prompt; `client_id` decides who receives its frames. */
export interface ExtraData {
  client_id?: string
  [key: string]: unknown
}

/** A queue item as ComfyUI serves it: `[number, prompt_id, prompt, extra_data, outputs_to_execute]`. */
export type QueueItem = [
  number: number,
  promptId: string,
  prompt: ApiPrompt,
  extraData: ExtraData,
  outputs: string[],
]

/** A history entry (`GET /history/{id}`), keys in the order ComfyUI writes them. */
export interface HistoryEntry {
  readonly prompt: QueueItem
  readonly outputs: Record<string, unknown>
  readonly status: {
    readonly status_str: 'success' | 'error'
    readonly completed: boolean
    readonly messages: [string, unknown][]
  }
  readonly meta: Record<string, unknown>
}

const MAXIMUM_HISTORY_SIZE = 10000

/** The queue, the running prompt and the history. */
export class PromptQueue {
  private heap: QueueItem[] = []
  private running: QueueItem | undefined
  private readonly history = new Map<string, HistoryEntry>()
  /** The next automatic `number`; every `POST /prompt` uses one up, accepted or not. */
  counter = 0

  constructor(private readonly onChange: () => void) {}

  /** Pending plus running prompts: `status.exec_info.queue_remaining`. */
  get remaining(): number {
    return this.heap.length + (this.running ? 1 : 0)
  }

  /** The running item, if any. */
  get current(): QueueItem | undefined {
    return this.running
  }

  /** Whether any prompt is waiting. */
  get hasPending(): boolean {
    return this.heap.length > 0
  }

  /** Queues an item (status broadcast). */
  put(item: QueueItem): void {
    this.heap.push(item)
    this.siftDown(0, this.heap.length - 1)
    this.onChange()
  }

  /** Takes the next item to run (status broadcast), or `undefined` if none is pending. */
  take(): QueueItem | undefined {
    const last = this.heap.pop()
    if (last === undefined) return undefined
    let item = last
    if (this.heap.length > 0) {
      item = this.heap[0]!
      this.heap[0] = last
      this.siftUp(0)
    }
    this.running = item
    this.onChange()
    return item
  }

  /** Records the running item's result in history and clears it (status broadcast). */
  finish(entry: HistoryEntry): void {
    if (this.history.size >= MAXIMUM_HISTORY_SIZE && !this.history.has(entry.prompt[1])) {
      this.history.delete(this.history.keys().next().value!)
    }
    this.history.set(entry.prompt[1], entry)
    this.running = undefined
    this.onChange()
  }

  /** Forgets the running item without history (restart). */
  abandon(): void {
    this.running = undefined
  }

  /**
   * Deletes one pending item (`POST /queue {delete}`). As in ComfyUI, deleting the last pending
   * item wipes the queue, which announces the change twice.
   */
  deletePending(promptId: string): boolean {
    const index = this.heap.findIndex((item) => item[1] === promptId)
    if (index < 0) return false
    if (this.heap.length === 1) this.wipe()
    else {
      this.heap.splice(index, 1)
      this.heapify()
    }
    this.onChange()
    return true
  }

  /** Removes every pending item (status broadcast, even when there were none). */
  wipe(): void {
    this.heap = []
    this.onChange()
  }

  /** `GET /queue`: the running item and the pending ones in heap order (not run order). */
  snapshot(): { queue_running: QueueItem[]; queue_pending: QueueItem[] } {
    return { queue_running: this.running ? [this.running] : [], queue_pending: [...this.heap] }
  }

  /** `GET /history/{id}`: the entry, if the prompt finished and was not deleted. */
  historyOf(promptId: string): HistoryEntry | undefined {
    return this.history.get(promptId)
  }

  /** `GET /history?max_items&offset`: entries oldest first; `max_items` alone gives the last N. */
  listHistory(maxItems?: number, offset = -1): Record<string, HistoryEntry> {
    const out: Record<string, HistoryEntry> = {}
    const start = offset < 0 && maxItems !== undefined ? this.history.size - maxItems : offset
    let index = 0
    for (const [id, entry] of this.history) {
      if (index >= start) {
        out[id] = entry
        if (maxItems !== undefined && Object.keys(out).length >= maxItems) break
      }
      index++
    }
    return out
  }

  /** `POST /history {delete}`. */
  deleteHistory(promptId: string): void {
    this.history.delete(promptId)
  }

  /** `POST /history {clear}`. */
  clearHistory(): void {
    this.history.clear()
  }

  /** Forgets everything, as a restarted server does (no broadcast). */
  reset(): void {
    this.heap = []
    this.running = undefined
    this.history.clear()
    this.counter = 0
  }

  private less(a: QueueItem, b: QueueItem): boolean {
    return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])
  }

  // Python's heapq: _siftdown moves the new leaf up towards the root.
  private siftDown(start: number, position: number): void {
    const item = this.heap[position]!
    while (position > start) {
      const parent = (position - 1) >> 1
      if (!this.less(item, this.heap[parent]!)) break
      this.heap[position] = this.heap[parent]!
      position = parent
    }
    this.heap[position] = item
  }

  // Python's heapq: _siftup moves the smaller child up until a leaf, then sifts down.
  private siftUp(position: number): void {
    const end = this.heap.length
    const start = position
    const item = this.heap[position]!
    let child = 2 * position + 1
    while (child < end) {
      const right = child + 1
      if (right < end && !this.less(this.heap[child]!, this.heap[right]!)) child = right
      this.heap[position] = this.heap[child]!
      position = child
      child = 2 * position + 1
    }
    this.heap[position] = item
    this.siftDown(start, position)
  }

  private heapify(): void {
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.siftUp(i)
  }
}
