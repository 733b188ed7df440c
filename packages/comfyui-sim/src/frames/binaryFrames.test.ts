import { describe, expect, it } from 'vitest'
import { loadRecording } from '../../test/fixtures.js'
import { previewFrame, previewMetadata, previewWithMetadataFrame } from './binaryFrames.js'

describe('binary frames', () => {
  it('lays out a type-4 preview byte for byte as the recorded one (13)', () => {
    const recorded = loadRecording('13-preview-metadata.jsonl').entries.find(
      (e) => e.ch === 'ws' && e.kind === 'binary' && e.b64,
    )
    const bytes = Buffer.from((recorded as { b64: string }).b64, 'base64')
    const length = bytes.readUInt32BE(4)
    const metadata = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')) as {
      node_id: string
      prompt_id: string
    }
    const image = bytes.subarray(8 + length)
    const rebuilt = previewWithMetadataFrame(image, previewMetadata(metadata.node_id, metadata.prompt_id))
    expect(rebuilt.equals(bytes)).toBe(true)
  })

  it('lays out a type-1 preview as `[1][1][jpeg]`', () => {
    const frame = previewFrame(Buffer.from([0xff, 0xd8, 0xff]))
    expect(frame.subarray(0, 8).toString('hex')).toBe('0000000100000001')
    expect(frame.length).toBe(11)
  })
})
