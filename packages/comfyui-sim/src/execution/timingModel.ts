/**
 * How long things take, measured on the recordings in `fixtures/comfyui/` (ComfyUI 0.3.64 on an
 * H100, warm models unless noted): from a node's `executing` to its `progress_state` "finished", and
 * for samplers the time to the first step, between steps and after the last step. The simulator
 * divides every duration by its `speed`.
 *
 * @module
 */

/** Durations in milliseconds at speed 1. */
export interface TimingModel {
  /** Per node class: how long a node without a progress bar runs. */
  readonly nodeMs: Readonly<Record<string, number>>
  /** Any class not in `nodeMs`. */
  readonly defaultNodeMs: number
  /** A sampler: from `executing` to its first step. */
  readonly firstStepMs: number
  /** A sampler: between two steps. */
  readonly stepMs: number
  /** A sampler: from the last step to "finished". */
  readonly lastStepMs: number
  /** From `POST /prompt` (or the previous prompt's end) until the worker takes the prompt. */
  readonly pickupMs: number
}

/** The recorded timings (medians over scenarios 01–14). */
export const recordedTiming: TimingModel = Object.freeze({
  nodeMs: Object.freeze({
    CheckpointLoaderSimple: 376, // 01: 375.7 ms (06 after a model switch: 692 ms)
    CLIPTextEncode: 14, // 03–14: 7–17 ms (the first encode of 01: 211 ms)
    EmptyLatentImage: 0.3,
    EmptySD3LatentImage: 7.4,
    VAEDecode: 32, // 27–40 ms (first decode of 01: 265 ms)
    VAEEncodeForInpaint: 127,
    SaveImage: 53, // 30–93 ms
    PreviewImage: 30,
    LoadImage: 14.4,
    LoadImageMask: 2.2,
  }),
  defaultNodeMs: 10,
  firstStepMs: 61, // 50–77 ms (the warm-up first step of 01: 4.9 s)
  stepMs: 57, // median of 219 step intervals, 31–127 ms
  lastStepMs: 5,
  pickupMs: 2,
})

/** Scales a duration by the simulation speed (`speed` 10 runs ten times faster). */
export function scaleDuration(ms: number, speed: number): number {
  return ms / speed
}
