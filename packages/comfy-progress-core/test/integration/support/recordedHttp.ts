/** HTTP exchanges recorded from a real ComfyUI 0.3.64 (fixtures/comfyui), for servers that answer like it. */
import type { RecordingHttp } from '../../../src/recording/Recording.js'
import { loadRecording } from '../../helpers.js'

/** Every recorded exchange of `file` for `method path` (path without query), in order. */
export function recordedHttp(file: string, method: string, path: string): RecordingHttp[] {
  return loadRecording(file).entries.filter(
    (entry): entry is RecordingHttp => entry.ch === 'http' && entry.method === method && entry.path === path,
  )
}

/** The first recorded exchange of `file` whose path starts with `prefix`. */
export function firstRecorded(file: string, method: string, prefix: string): RecordingHttp {
  const found = loadRecording(file).entries.find(
    (entry): entry is RecordingHttp =>
      entry.ch === 'http' && entry.method === method && entry.path.startsWith(prefix),
  )
  if (!found) throw new Error(`no ${method} ${prefix} in ${file}`)
  return found
}
