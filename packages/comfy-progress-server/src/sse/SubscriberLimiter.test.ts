import { isComfyProgressError } from '@comfy-progress/core'
import { describe, expect, it } from 'vitest'
import { createTaskId } from '../tasks/createTaskId.js'
import { SubscriberLimiter, subscriberLimiterDefaults } from './SubscriberLimiter.js'

const detailsOf = (fn: () => unknown): unknown => {
  try {
    fn()
    return 'no error'
  } catch (error) {
    return isComfyProgressError(error, 'TOO_MANY_SUBSCRIBERS') ? error.details : error
  }
}

describe('SubscriberLimiter', () => {
  it('has frozen defaults', () => {
    expect(Object.isFrozen(subscriberLimiterDefaults)).toBe(true)
  })

  it('caps streams per task and gives slots back on release, once', () => {
    const limiter = new SubscriberLimiter({ maxSubscribersPerTask: 2 })
    const a = createTaskId()
    const b = createTaskId()
    const first = limiter.acquire([a])
    limiter.acquire([a, b])
    expect(detailsOf(() => limiter.acquire([b, a]))).toMatchObject({ scope: 'task', taskId: a, limit: 2 })
    expect(limiter.countFor(b)).toBe(1)
    first()
    first()
    expect(limiter.countFor(a)).toBe(1)
    expect(limiter.total).toBe(1)
    limiter.acquire([b, a])
    expect(limiter.countFor(b)).toBe(2)
  })

  it('caps streams in total', () => {
    const limiter = new SubscriberLimiter({ maxSubscribers: 2 })
    limiter.acquire([createTaskId()])
    const release = limiter.acquire([createTaskId()])
    expect(detailsOf(() => limiter.acquire([createTaskId()]))).toMatchObject({ scope: 'total', limit: 2 })
    release()
    expect(() => limiter.acquire([createTaskId()])).not.toThrow()
  })
})
