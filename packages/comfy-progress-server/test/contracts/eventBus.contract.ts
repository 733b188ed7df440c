/**
 * The one contract suite every EventBus runs (memory now, Redis next). Delivery may be asynchronous,
 * so assertions wait with `vi.waitFor`; a synchronous bus passes them at once.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { EventBus, Unsubscribe } from '../../src/store/EventBus.js'
import type { StoredTaskEvent } from '../../src/store/TaskStore.js'
import { createTaskId } from '../../src/tasks/createTaskId.js'
import { completed, inProgress } from '../helpers.js'

/** A bus under test. */
export interface EventBusContractSubject {
  readonly bus: EventBus
  /** Another bus on the same medium (another server instance); a memory bus returns itself. */
  connectPeer(): Promise<EventBus>
  close?(): Promise<void>
}

/** What the suite passes to the factory. */
export interface EventBusContractOptions {
  readonly onListenerError: (error: unknown, entry: StoredTaskEvent) => void
}

const entry = (taskId: string, seq: number): StoredTaskEvent => ({
  taskId,
  seq,
  event: inProgress(taskId, seq),
})

export function eventBusContract(
  name: string,
  factory: (options: EventBusContractOptions) => Promise<EventBusContractSubject>,
): void {
  describe(`EventBus contract: ${name}`, () => {
    let subject: EventBusContractSubject
    const listenerErrors: unknown[] = []
    const open = async () => {
      listenerErrors.length = 0
      subject = await factory({ onListenerError: (error) => listenerErrors.push(error) })
      return subject.bus
    }
    afterEach(async () => {
      await subject?.close?.()
    })

    it('delivers a task’s events to its subscribers in publish order, and no other task’s', async () => {
      const bus = await open()
      const a = createTaskId()
      const b = createTaskId()
      const seenA: number[] = []
      const seenB: number[] = []
      await bus.subscribe(a, (e) => seenA.push(e.seq))
      await bus.subscribe(b, (e) => seenB.push(e.seq * -1))
      for (let seq = 1; seq <= 50; seq++) {
        await bus.publish(entry(a, seq))
        if (seq % 5 === 0) await bus.publish(entry(b, seq))
      }
      await vi.waitFor(() => expect(seenA).toHaveLength(50))
      await vi.waitFor(() => expect(seenB).toHaveLength(10))
      expect(seenA).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
      expect(seenB).toEqual([-5, -10, -15, -20, -25, -30, -35, -40, -45, -50])
    })

    it('hands every local subscriber the same entry object', async () => {
      const bus = await open()
      const taskId = createTaskId()
      const received: StoredTaskEvent[][] = Array.from({ length: 200 }, () => [])
      await Promise.all(received.map((list) => bus.subscribe(taskId, (e) => list.push(e))))
      expect(bus.subscriberCount(taskId)).toBe(200)
      await bus.publish({ taskId, seq: 1, event: completed(taskId) })
      await vi.waitFor(() => expect(received.every((list) => list.length === 1)).toBe(true))
      const first = received[0]![0]!
      expect(first).toMatchObject({ taskId, seq: 1, event: { status: 'completed' } })
      for (const list of received) expect(list[0]).toBe(first)
    })

    it('stops delivering after unsubscribe; unsubscribing twice is harmless', async () => {
      const bus = await open()
      const taskId = createTaskId()
      const kept: number[] = []
      const dropped: number[] = []
      const listener = (e: StoredTaskEvent) => dropped.push(e.seq)
      await bus.subscribe(taskId, (e) => kept.push(e.seq))
      const unsubscribe = await bus.subscribe(taskId, listener)
      // The same function twice is two subscriptions.
      const again = await bus.subscribe(taskId, listener)
      expect(bus.subscriberCount(taskId)).toBe(3)
      await bus.publish(entry(taskId, 1))
      await vi.waitFor(() => expect(dropped).toEqual([1, 1]))
      unsubscribe()
      unsubscribe()
      again()
      expect(bus.subscriberCount(taskId)).toBe(1)
      await bus.publish(entry(taskId, 2))
      await vi.waitFor(() => expect(kept).toEqual([1, 2]))
      expect(dropped).toEqual([1, 1])
    })

    it('keeps delivering to the others when a listener throws', async () => {
      const bus = await open()
      const taskId = createTaskId()
      const seen: number[] = []
      await bus.subscribe(taskId, () => {
        throw new Error('listener bug')
      })
      await bus.subscribe(taskId, (e) => seen.push(e.seq))
      await bus.publish(entry(taskId, 1))
      await bus.publish(entry(taskId, 2))
      await vi.waitFor(() => expect(seen).toEqual([1, 2]))
      expect(listenerErrors).toHaveLength(2)
    })

    it('never waits for a listener', async () => {
      const bus = await open()
      const taskId = createTaskId()
      const seen: number[] = []
      // A listener that returns a promise that never settles must not hold publish up.
      const pending: () => void = () => void new Promise<never>(() => undefined)
      await bus.subscribe(taskId, pending)
      await bus.subscribe(taskId, (e) => seen.push(e.seq))
      await bus.publish(entry(taskId, 1))
      await vi.waitFor(() => expect(seen).toEqual([1]))
    })

    it('accepts a publish with no subscribers', async () => {
      const bus = await open()
      await expect(bus.publish(entry(createTaskId(), 1))).resolves.toBeUndefined()
      expect(bus.subscriberCount(createTaskId())).toBe(0)
    })

    it('reaches subscribers on another bus of the same medium', async () => {
      const bus = await open()
      const peer = await subject.connectPeer()
      const taskId = createTaskId()
      const seen: number[] = []
      const unsubscribes: Unsubscribe[] = [await peer.subscribe(taskId, (e) => seen.push(e.seq))]
      await bus.publish(entry(taskId, 1))
      await bus.publish(entry(taskId, 2))
      await vi.waitFor(() => expect(seen).toEqual([1, 2]))
      for (const unsubscribe of unsubscribes) unsubscribe()
    })
  })
}
