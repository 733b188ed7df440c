import { MODEL_FOLDERS, SYSTEM_STATS } from '../data/serverInfo.js'
import { serverFeatureFlags } from '../frames/textFrames.js'
import type { SimCore } from '../SimCore.js'
import type { ObjectInfoClass } from '../validation/ObjectInfo.js'
import { type RouteContext, sendError, sendJson } from './httpUtils.js'

/**
 * The informational routes: `/object_info[/{class}]`, `/system_stats`, `/features`, `/embeddings`,
 * `/models[/{folder}]`, `/extensions`.
 *
 * @module
 */

const IMAGE_EXTENSIONS = /\.(png|jpe?g|webp|gif|bmp|tiff?)$/i

/** `GET /object_info` or `/object_info/{class}` (`{}` for an unknown class). File lists reflect uploads. */
export function getObjectInfo({ core, response }: RouteContext, className?: string): void {
  if (className !== undefined) {
    const info = Object.hasOwn(core.objectInfo, className) ? core.objectInfo[className] : undefined
    return sendJson(response, 200, info ? { [className]: withFiles(core, info) } : {})
  }
  const all: Record<string, ObjectInfoClass> = {}
  for (const [name, info] of Object.entries(core.objectInfo)) all[name] = withFiles(core, info)
  sendJson(response, 200, all)
}

/** LoadImage-style classes list the input folder's images, as ComfyUI reads them from disk. */
function withFiles(core: SimCore, info: ObjectInfoClass): ObjectInfoClass {
  const spec = info.input.required?.image
  if (!spec || !Array.isArray(spec[0]) || !(spec[1] as { image_upload?: unknown } | undefined)?.image_upload)
    return info
  const files = core.files.list('input').filter((name) => !name.includes('/') && IMAGE_EXTENSIONS.test(name))
  const image = spec[1] === undefined ? [files] : [files, spec[1]]
  return { ...info, input: { ...info.input, required: { ...info.input.required, image: image as never } } }
}

/** `GET /system_stats`. */
export function getSystemStats({ response }: RouteContext): void {
  sendJson(response, 200, SYSTEM_STATS)
}

/** `GET /features`: the same flags the server answers the WebSocket handshake with. */
export function getFeatures({ core, response }: RouteContext): void {
  sendJson(response, 200, serverFeatureFlags(core.maxUploadSize))
}

/** `GET /models` and `GET /models/{folder}` (checkpoints from `CheckpointLoaderSimple`'s list). */
export function getModels({ core, response }: RouteContext, folder?: string): void {
  if (folder === undefined) return sendJson(response, 200, MODEL_FOLDERS)
  if (!(MODEL_FOLDERS as readonly string[]).includes(folder)) return sendError(response, 404)
  const checkpoints = core.objectInfo.CheckpointLoaderSimple?.input.required?.ckpt_name?.[0]
  sendJson(response, 200, folder === 'checkpoints' && Array.isArray(checkpoints) ? checkpoints : [])
}
