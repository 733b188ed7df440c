const SEQ = /^\d{1,15}$/

/**
 * The `lastEventId` to resume a stream from, in the server's cursor format: `taskId:seq` pairs joined
 * by commas, for the tasks that have received an event. Empty when none has.
 *
 * @example
 * ```ts
 * formatCursor([['a', 5], ['b', 0], ['c', 9]]) // 'a:5,c:9'
 * ```
 */
export function formatCursor(positions: ReadonlyArray<readonly [taskId: string, seq: number]>): string {
  return positions
    .filter(([, seq]) => seq > 0)
    .map(([taskId, seq]) => `${taskId}:${seq}`)
    .join()
}

/**
 * The sequence number of `taskId`'s event, read from the SSE `id:` it came with: the stream's cursor
 * (`a:5,b:9`), in which the task's pair holds its position. `undefined` when the id says nothing
 * usable about the task; such an event is delivered without de-duplication.
 *
 * @example
 * ```ts
 * readSeq('a:5,b:9', 'b') // 9
 * ```
 */
export function readSeq(id: string, taskId: string): number | undefined {
  for (const pair of id.split(',')) {
    const [name, seq = ''] = pair.split(':')
    if (name === taskId && SEQ.test(seq)) return Number(seq)
  }
  return undefined
}
