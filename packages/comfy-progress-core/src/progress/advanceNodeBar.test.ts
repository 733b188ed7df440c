import { describe, expect, it } from 'vitest'
import { advanceNodeBar, DONE_NODE, type NodeProgress, STARTED_NODE } from './advanceNodeBar.js'

function run(steps: Array<[number, number]>): NodeProgress[] {
  const states: NodeProgress[] = []
  let node = STARTED_NODE
  for (const [value, max] of steps) states.push((node = advanceNodeBar(node, value, max)))
  return states
}

describe('advanceNodeBar', () => {
  it('follows one bar from 1 to max, reaching 95% of the node (its finish makes 100%)', () => {
    const states = run(Array.from({ length: 20 }, (_, i) => [i + 1, 20] as [number, number]))
    expect(states.map((s) => s.value)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(states[9]!.fraction).toBeCloseTo(0.475)
    expect(states.at(-1)).toMatchObject({ value: 20, max: 20, bars: 0, fraction: 0.95, done: false })
  })

  it('starts a new bar when max changes or value goes back, and never lowers the fraction', () => {
    const states = run([
      [5, 10],
      [10, 10],
      [1, 4], // max changed: second bar
      [4, 4],
      [1, 4], // value went back: third bar
      [2, 4],
    ])
    expect(states.map((s) => s.bars)).toEqual([0, 0, 1, 1, 2, 2])
    expect(states.map((s) => [s.value, s.max])).toEqual([
      [5, 10],
      [10, 10],
      [1, 4],
      [4, 4],
      [1, 4],
      [2, 4],
    ])
    for (let i = 1; i < states.length; i++)
      expect(states[i]!.fraction).toBeGreaterThanOrEqual(states[i - 1]!.fraction)
    expect(states.at(-1)!.fraction).toBeLessThan(1)
  })

  it('returns the same object when nothing changes, and ignores nonsense and finished nodes', () => {
    const node = advanceNodeBar(STARTED_NODE, 3, 20)
    expect(advanceNodeBar(node, 3, 20)).toBe(node)
    expect(advanceNodeBar(node, Number.NaN, 20)).toBe(node)
    expect(advanceNodeBar(node, 4, 0)).toBe(node)
    expect(advanceNodeBar(node, 4, Infinity)).toBe(node)
    expect(advanceNodeBar(DONE_NODE, 4, 20)).toBe(DONE_NODE)
    // A value above max is clamped (ComfyUI clamps too).
    expect(advanceNodeBar(node, 25, 20)).toMatchObject({ value: 20, fraction: 0.95 })
  })
})
