import type { RecordingEntry, RecordingMeta } from '@comfy-progress/core'

/**
 * Collects a recording in the `fixtures/comfyui` format: every frame a client received (text as
 * JSON, binary with its length, first 8 bytes and, for the first few, the whole frame in base64)
 * and every HTTP exchange, each with `t`, the milliseconds since the recording started.
 *
 * @module
 */
export class RecordingWriter {
  private readonly entries: RecordingEntry[] = []
  private readonly started = performance.now()
  private binaryKept = 0

  /** @param keepBinary How many binary frames keep their bytes (`b64`); later ones get `b64_dropped`. */
  constructor(private readonly keepBinary: number) {}

  /** Milliseconds since the start, to 0.1 ms. */
  now(): number {
    return Math.round((performance.now() - this.started) * 10) / 10
  }

  /** Records a frame the server sent to `client`. */
  frame(client: string, data: Buffer, isBinary: boolean): void {
    const base = { t: this.now(), ch: 'ws' as const, client, conn: 1 }
    if (!isBinary) {
      const text = data.toString('utf8')
      let parsed: unknown = text
      try {
        parsed = JSON.parse(text)
      } catch {
        // Kept as the raw string: a recording must show what the server really sent.
      }
      this.entries.push({ ...base, kind: 'text', data: parsed })
      return
    }
    const keep = this.binaryKept < this.keepBinary
    if (keep) this.binaryKept++
    this.entries.push({
      ...base,
      kind: 'binary',
      bytes: data.length,
      head_hex: data.subarray(0, 8).toString('hex'),
      event_type: data.length >= 4 ? data.readUInt32BE(0) : -1,
      ...(keep ? { b64: data.toString('base64') } : { b64_dropped: true }),
    })
  }

  /** Records a recorder annotation (`open`, `closed`, `sent`). */
  annotate(client: string, kind: 'open' | 'closed' | 'sent', extra: Record<string, unknown>): void {
    this.entries.push({ t: this.now(), ch: 'ws', client, conn: 1, kind, ...extra })
  }

  /** Records one HTTP exchange. */
  http(exchange: Omit<Extract<RecordingEntry, { ch: 'http' }>, 't'>): void {
    this.entries.push({ t: this.now(), ...exchange })
  }

  /** The text frames received so far. */
  textFrames(): { type?: unknown; data?: Record<string, unknown> }[] {
    return this.entries.flatMap((e) =>
      e.ch === 'ws' && e.kind === 'text' && typeof e.data === 'object' && e.data !== null ? [e.data] : [],
    )
  }

  /** The recording as JSON Lines: `{"meta": …}` first, then one entry per line. */
  serialize(meta: RecordingMeta): string {
    return [JSON.stringify({ meta }), ...this.entries.map((entry) => JSON.stringify(entry))].join('\n') + '\n'
  }
}
