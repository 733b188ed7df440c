import type { Recording } from '@comfy-progress/core'
import type { TimingModel } from './execution/timingModel.js'
import type { Faults } from './faults/Faults.js'
import type { SimClock } from './internal/Scheduler.js'
import type { HistoryEntry } from './queue/PromptQueue.js'
import type { ObjectInfo } from './validation/ObjectInfo.js'

/**
 * The public shape of the simulator: its options, their defaults, and the handle
 * {@link createComfyUiSim} returns.
 *
 * @module
 */

/** Options of `createComfyUiSim`. Every field is optional. */
export interface ComfyUiSimOptions {
  /**
   * The interface to listen on. Keep it on loopback: the simulator is a test tool.
   * @default '127.0.0.1'
   */
  readonly host?: string
  /**
   * The port; 0 picks a free one (read it back from `sim.port`).
   * @default 0
   */
  readonly port?: number
  /**
   * How much faster than the recorded ComfyUI the simulation runs: 10 makes a 20-step txt2img take
   * ~0.15 s instead of 1.5 s; 1000 makes it a few milliseconds. Applies to replays too.
   * @default 1
   */
  readonly speed?: number
  /**
   * Whether samplers send live preview images (binary frames), as ComfyUI does with
   * `--preview-method latent2rgb` (how the recordings were made). `false` is ComfyUI's default `none`.
   * @default true
   */
  readonly previews?: boolean
  /**
   * The node classes the server knows (`GET /object_info`), used to validate prompts. Pass your own
   * server's `/object_info` answer (or `fixtures/comfyui/object_info.json`) to accept custom nodes.
   * @default the 65 core classes of ComfyUI 0.3.64 (`nodes.py`, plus `EmptySD3LatentImage`)
   */
  readonly objectInfo?: ObjectInfo
  /**
   * Replay mode: a recording in the `fixtures/comfyui` format (a file path, or the result of core's
   * `parseRecording`). Each `POST /prompt` then gets the next recorded answer, and accepted prompts
   * play the recorded frames, with the live prompt and client ids. Once every recorded prompt was
   * used, further prompts are simulated.
   * @default undefined (simulate)
   */
  readonly recording?: string | Recording
  /**
   * The upload limit (`--max-upload-size`), advertised in `feature_flags`; bigger bodies get 413.
   * @default 104857600 (100 MB)
   */
  readonly maxUploadSize?: number
  /**
   * ComfyUI's `--enable-cors-header` value. Unset, requests whose Origin differs from a loopback Host
   * get 403, as on a default ComfyUI; set, they pass and get CORS headers.
   * @default undefined
   */
  readonly corsHeader?: string
  /**
   * Durations at speed 1, measured on the recordings. Override some to shape a scenario.
   * @default recordedTiming
   */
  readonly timing?: Partial<TimingModel>
  /**
   * The clock: `now()` for `timestamp` fields and, optionally, `sleep(ms)` to observe or skip
   * simulated durations in tests.
   * @default the system clock and real timers
   */
  readonly clock?: SimClock
}

/** The defaults of {@link ComfyUiSimOptions} (frozen). */
export const comfyUiSimDefaults = Object.freeze({
  host: '127.0.0.1',
  port: 0,
  speed: 1,
  previews: true,
  maxUploadSize: 104857600,
})

/** Options of {@link ComfyUiSim.restart}. */
export interface RestartOptions {
  /**
   * How long the port stays closed (connections refused) before the server listens again.
   * @default 0
   */
  readonly downtimeMs?: number
}

/** A running simulator. Close it (or `await using` it) when the test ends. */
export interface ComfyUiSim extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`: the base URL for HTTP (every route also works under `/api`). */
  readonly url: string
  /** `ws://127.0.0.1:<port>/ws`: append `?clientId=…`. */
  readonly wsUrl: string
  /** The port it listens on. */
  readonly port: number
  /** Fault injection: arm socket drops, refusals, HTTP errors, slow or corrupt frames, node failures. */
  readonly faults: Faults
  /** The client ids with a connected (registered) socket. */
  readonly clientIds: readonly string[]
  /** Changes the speed factor; applies from the next delay on. */
  setSpeed(speed: number): void
  /** Stops starting queued prompts (the running one finishes); `GET /queue` shows them pending. */
  pause(): void
  /** Starts queued prompts again. */
  resume(): void
  /** Resolves when no prompt runs or waits (or, when paused, once the running one finished). */
  whenIdle(): Promise<void>
  /** Resolves with the history entry once `promptId` has finished (immediately if it has). */
  whenFinished(promptId: string): Promise<HistoryEntry>
  /**
   * Simulates a server restart on the same port: closes every socket and connection, forgets the
   * queue, the running prompt, history, caches and temp files (input and output files stay, as on
   * disk), then listens again after `downtimeMs`.
   */
  restart(options?: RestartOptions): Promise<void>
  /** Closes the server, every socket and every timer. Idempotent. */
  close(): Promise<void>
}
