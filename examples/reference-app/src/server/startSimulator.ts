import { readFile } from 'node:fs/promises'
import { type ComfyUiSim, createComfyUiSim, type ObjectInfo } from '@comfy-progress/comfyui-sim'

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  /** The checkpoint the app's workflows load: the simulator lists it, so validation accepts it. */
  readonly checkpoint: string
  /** Time compression against the recorded GPU (see `createComfyUiSim`). */
  readonly speed: number
}

/** `GET /object_info` of the real ComfyUI 0.3.64 the fixtures were recorded on (376 node classes). */
const RECORDED_OBJECT_INFO = new URL('../../../../fixtures/comfyui/object_info.json', import.meta.url)

/**
 * Starts the ComfyUI simulator on a free loopback port, with the node classes of the recorded real
 * server. ComfyUI validates `ckpt_name` against the checkpoints it has on disk (the simulator against
 * the list in `object_info`), so the list is replaced by the app's checkpoint: the same workflows run
 * in both modes.
 */
export async function startSimulator(options: SimulatorOptions): Promise<ComfyUiSim> {
  const objectInfo = JSON.parse(await readFile(RECORDED_OBJECT_INFO, 'utf8')) as ObjectInfo
  const loader = objectInfo.CheckpointLoaderSimple
  const spec = loader?.input.required?.ckpt_name
  if (loader === undefined || spec === undefined) throw new Error('object_info has no CheckpointLoaderSimple')
  const patched: ObjectInfo = {
    ...objectInfo,
    CheckpointLoaderSimple: {
      ...loader,
      input: {
        ...loader.input,
        required: { ...loader.input.required, ckpt_name: [[options.checkpoint], spec[1]] },
      },
    },
  }
  return createComfyUiSim({ objectInfo: patched, speed: options.speed })
}
