import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { listRecordings, loadRecording, wireFrames } from '../../test/helpers.js'
import { checkMessageData } from './checkMessageData.js'
import { type ComfyTextMessageType, explainShapeProblem } from './explainShapeProblem.js'

type Data = Record<string, unknown>

/** The `data` of every recorded text frame, with its type. */
const recorded: [ComfyTextMessageType, Data][] = listRecordings().flatMap((name) =>
  wireFrames(loadRecording(name)).flatMap(({ entry }): [ComfyTextMessageType, Data][] => {
    if (entry.kind !== 'text') return []
    const frame = entry.data as { type: ComfyTextMessageType; data: Data }
    return [[frame.type, frame.data]]
  }),
)

/** A deep copy of `data` with the value at one path (picked by `pick`) replaced, or deleted. */
function mutate(data: Data, pick: number, replacement: { value: unknown } | undefined): Data {
  const copy = structuredClone(data)
  const paths: (string | number)[][] = []
  const walk = (value: unknown, prefix: (string | number)[]) => {
    if (typeof value !== 'object' || value === null) return
    for (const [key, item] of Object.entries(value)) {
      const path = [...prefix, Array.isArray(value) ? Number(key) : key]
      paths.push(path)
      walk(item, path)
    }
  }
  walk(copy, [])
  if (paths.length === 0) return copy
  const path = paths[pick % paths.length]!
  let parent = copy as Record<string | number, unknown>
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>
  const last = path.at(-1)!
  if (replacement) parent[last] = replacement.value
  else if (Array.isArray(parent)) parent.splice(last as number, 1)
  else delete parent[last]
  return copy
}

describe('checkMessageData', () => {
  it('accepts the data of every recorded text frame', () => {
    expect(recorded.length).toBeGreaterThan(700)
    for (const [type, data] of recorded) expect(checkMessageData(type, data)).toBe(undefined)
  })

  it('the fast check and the explaining table always agree, and a rejection always names a field', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...recorded),
        fc.nat(),
        fc.option(fc.jsonValue(), { nil: undefined }),
        ([type, data], pick, value) => {
          const mutated = mutate(data, pick, value === undefined ? undefined : { value })
          const problem = checkMessageData(type, mutated)
          expect(problem).toEqual(explainShapeProblem(type, mutated))
          if (problem !== undefined) expect(problem.field).not.toBe('(data)')
        },
      ),
      { numRuns: 500 },
    )
  })

  it('names the first wrong field with what it should be and what it is', () => {
    expect(checkMessageData('progress', { value: 1, max: '20' })).toEqual({
      field: 'max',
      expected: 'a number',
      received: 'string',
    })
    // eslint-disable-next-line no-sparse-arrays -- a hole is not a string (JSON never makes one, callers might)
    expect(checkMessageData('execution_cached', { nodes: [, '4'], prompt_id: 'p' })?.field).toBe('nodes')
    expect(checkMessageData('executing', { display_node: '3' })).toEqual({
      field: 'node',
      expected: 'a string or null',
      received: 'undefined',
    })
  })
})
