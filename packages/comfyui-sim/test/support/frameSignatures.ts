/**
 * Reduces frames to comparable signatures: the frame type plus the fields that must match a
 * recording (node ids, progress values, cached nodes, output file names, error types), grouped per
 * prompt. Used by the fidelity and replay tests.
 */
import type { Frame } from '../helpers.js'

/** A frame in the recording format or as a test client received it. */
export type AnyFrame = Frame

/** The signature of one frame. */
export function signature(frame: AnyFrame): string {
  if (frame.kind === 'binary') return `binary:${frame.eventType}`
  const data = frame.data
  switch (frame.type) {
    case 'status':
      return `status:${JSON.stringify((data.status as { exec_info?: unknown } | undefined)?.exec_info)}`
    case 'executing':
      return `executing:${String(data.node)}`
    case 'execution_cached':
      return `execution_cached:${(data.nodes as string[]).join(',')}`
    case 'progress':
      return `progress:${String(data.node)}:${String(data.value)}/${String(data.max)}`
    case 'progress_state':
      return `progress_state:${Object.entries(
        data.nodes as Record<string, { state: string; value: number; max: number }>,
      )
        .map(([id, n]) => `${id}=${n.state}:${n.value}/${n.max}`)
        .join(' ')}`
    case 'executed': {
      const images = ((data.output as { images?: { filename: string }[] } | null)?.images ?? []).map(
        (i) => i.filename,
      )
      return `executed:${String(data.node)}:${images.join(',')}`
    }
    case 'execution_error':
      return `execution_error:${String(data.node_id)}:${String(data.exception_type)}:${[...(data.executed as string[])].sort().join(',')}`
    case 'execution_interrupted':
      return `execution_interrupted:${String(data.node_id)}:${[...(data.executed as string[])].sort().join(',')}`
    default:
      return frame.type
  }
}

/**
 * Groups a client's frames by prompt: text frames by their `prompt_id`, a type-4 preview by its
 * metadata, a type-1 preview by the latest `progress` or `progress_state` before it.
 */
export function byPrompt(
  frames: readonly AnyFrame[],
  rename: (id: string) => string = (id) => id,
): Map<string, string[]> {
  const groups = new Map<string, string[]>()
  let current: string | undefined
  const add = (id: string, frame: AnyFrame): void => {
    const key = rename(id)
    groups.set(key, [...(groups.get(key) ?? []), signature(frame)])
  }
  for (const frame of frames) {
    if (frame.kind === 'text') {
      const id = frame.data.prompt_id
      if (typeof id !== 'string') continue
      if (frame.type === 'progress' || frame.type === 'progress_state') current = id
      add(id, frame)
    } else if (frame.eventType === 4) {
      const length = frame.bytes.readUInt32BE(4)
      const metadata = JSON.parse(frame.bytes.subarray(8, 8 + length).toString('utf8')) as {
        prompt_id: string
      }
      add(metadata.prompt_id, frame)
    } else if (current !== undefined) {
      add(current, frame)
    }
  }
  return groups
}
