/**
 * The frame comparison shared by the fidelity and replay suites: per client and per prompt, the
 * live frame signatures must equal the recorded ones; the number of `status` frames must match;
 * and, for scenarios whose order is deterministic, the whole sequence must match too.
 */
import type { Recording } from '@comfy-progress/core'
import { expect } from 'vitest'
import type { Frame } from '../helpers.js'
import { type DrivenRecording, recordedFrames } from './driveRecording.js'
import { byPrompt, signature } from './frameSignatures.js'

/** Asserts that the live frames of `driven` are the recorded frames of `recording`. */
export function expectFramesLike(
  recording: Recording,
  driven: DrivenRecording,
  options: { ordered: boolean },
): void {
  const rename = (id: string): string => driven.promptIds.get(id) ?? id
  for (const [client, frames] of driven.frames) {
    const recorded: Frame[] = recordedFrames(recording, client).map((entry) =>
      entry.kind === 'text'
        ? {
            kind: 'text' as const,
            ...(entry.data as { type: string; data: Record<string, unknown> }),
            raw: '',
          }
        : { kind: 'binary' as const, eventType: entry.event_type, bytes: Buffer.alloc(8) },
    )
    // Type-4 previews are attributed by their metadata, which the recording keeps for some only.
    const attributable = (list: Frame[]) =>
      list.map((f) => (f.kind === 'binary' && f.eventType === 4 ? { ...f, eventType: 41 } : f))
    expect(byPrompt(attributable(frames)), `frames per prompt of client ${client}`).toEqual(
      byPrompt(attributable(recorded), rename),
    )
    const statuses = (list: Frame[]) => list.filter((f) => f.kind === 'text' && f.type === 'status').length
    expect(statuses(frames), `status frames of client ${client}`).toBe(statuses(recorded))
    if (options.ordered) {
      expect(frames.map(signature), `all frames of client ${client}`).toEqual(recorded.map(signature))
    }
  }
}
