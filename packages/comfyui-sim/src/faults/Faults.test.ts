import { describe, expect, it } from 'vitest'
import { Faults } from './Faults.js'

describe('Faults', () => {
  it('fails the next N matching requests, then none', () => {
    const faults = new Faults().failHttp({ count: 2, route: '/prompt', method: 'post', status: 503 })
    expect(faults.takeHttpFailure('GET', '/prompt')).toBeUndefined()
    expect(faults.takeHttpFailure('POST', '/prompt')).toBe(503)
    expect(faults.takeHttpFailure('POST', '/prompt')).toBe(503)
    expect(faults.takeHttpFailure('POST', '/prompt')).toBeUndefined()
  })

  it('matches routes by pattern', () => {
    const faults = new Faults().failHttp({ route: /^\/history/ })
    expect(faults.takeHttpFailure('GET', '/history/abc')).toBe(500)
  })

  it('refuses connections for a count, or until its time is up', () => {
    let now = 1000
    const faults = new Faults(() => now).refuseConnections({ count: 1, mode: 'reset' })
    expect(faults.takeRefusal()).toBe('reset')
    expect(faults.takeRefusal()).toBeUndefined()
    faults.refuseConnections({ durationMs: 50 })
    expect(faults.takeRefusal()).toBe('http-503')
    now += 50
    expect(faults.takeRefusal()).toBeUndefined()
  })

  it('drops sockets at a step of a node, once', () => {
    const faults = new Faults().dropSocketAt({ step: 3, node: '3' })
    expect(faults.takeDrops(3, '8')).toEqual([])
    expect(faults.takeDrops(3, '3')).toHaveLength(1)
    expect(faults.takeDrops(3, '3')).toEqual([])
  })

  it('targets frame faults at one client', () => {
    const faults = new Faults()
      .corruptNextFrame({ clientId: 'a' })
      .delayFrames({ clientId: 'b', delayMs: 20, count: 1 })
    expect(faults.takeCorruption('b')).toBe(false)
    expect(faults.takeCorruption('a')).toBe(true)
    expect(faults.takeCorruption('a')).toBe(false)
    faults.corruptNextFrame({ messageType: 'executed' })
    expect(faults.takeCorruption('a', 'progress')).toBe(false)
    expect(faults.takeCorruption('a', 'executed')).toBe(true)
    expect(faults.takeCorruption('a', 'executed')).toBe(false)
    expect(faults.takeDelay('a')).toBe(0)
    expect(faults.takeDelay('b')).toBe(20)
    expect(faults.takeDelay('b')).toBe(0)
  })

  it('fails a node by id or class, and needs one of them', () => {
    const faults = new Faults().failNode({ classType: 'VAEDecode' }).failNode({})
    expect(faults.takeNodeFailure('8', 'SaveImage')).toBeUndefined()
    expect(faults.takeNodeFailure('8', 'VAEDecode')).toMatchObject({ classType: 'VAEDecode' })
    faults.clear()
    expect(faults.takeNodeFailure('8', 'VAEDecode')).toBeUndefined()
  })
})
