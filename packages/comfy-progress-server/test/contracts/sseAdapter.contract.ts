/**
 * The one SSE suite every adapter runs, over real HTTP/1.1 and real HTTP/2 with TLS, with the
 * `eventsource` package as the client. Events are appended to the store and published on the bus by
 * hand, as TaskManager will.
 */
import { connect as connectTcp, type Socket } from 'node:net'
import type { ClientHttp2Session } from 'node:http2'
import type { TaskEvent } from '@comfy-progress/core'
import { EventSource } from 'eventsource'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { SseStreamEndInfo } from '../../src/sse/handleSseRequest.js'
import type { SseHandlerOptions } from '../../src/sse/createSseRequestHandler.js'
import { MemoryEventBus } from '../../src/store/MemoryEventBus.js'
import { MemoryTaskStore } from '../../src/store/MemoryTaskStore.js'
import { createTaskId } from '../../src/tasks/createTaskId.js'
import {
  completed,
  connectHttp2Client,
  createFakeClock,
  failed,
  inProgress,
  listen,
  type NodeHandler,
  parseSseText,
  queued,
  type TestServer,
  type Transport,
} from '../helpers.js'

/** An adapter under test: its SSE handler, served by Node directly or through a fetch bridge. */
export interface SseAdapterSubject {
  createHandler(options: SseHandlerOptions): NodeHandler
}

interface Received {
  readonly type: string
  readonly id: string
  readonly event: TaskEvent
}

export function sseAdapterContract(name: string, subject: SseAdapterSubject): void {
  describe.each<Transport>(['http1', 'http2'])(`SSE adapter contract: ${name} over %s`, (transport) => {
    let server: TestServer
    let store: MemoryTaskStore
    let bus: MemoryEventBus
    let clock: ReturnType<typeof createFakeClock>
    let ends: SseStreamEndInfo[]
    const sources: EventSource[] = []
    const sessions: (ClientHttp2Session | Socket)[] = []

    async function start(options: Partial<SseHandlerOptions> = {}) {
      clock = createFakeClock()
      store = new MemoryTaskStore({ taskTtlMs: 60_000, now: clock.now })
      bus = new MemoryEventBus()
      ends = []
      server = await listen(
        transport,
        subject.createHandler({
          tasks: { store, bus },
          retryMs: 20,
          maxStallMs: 300,
          onStreamEnd: (info) => ends.push(info),
          ...options,
        }),
      )
    }

    afterEach(async () => {
      for (const source of sources.splice(0)) source.close()
      for (const session of sessions.splice(0)) session.destroy()
      await server?.close()
    })

    async function createTask(...events: ((taskId: string) => TaskEvent)[]): Promise<string> {
      const taskId = createTaskId()
      await store.create({ taskId })
      for (const event of events) await store.append(taskId, event(taskId))
      return taskId
    }
    const publish = async (event: TaskEvent) => bus.publish(await store.append(event.taskId, event))

    /** A real EventSource that records every task event it dispatches, and how often it opened. */
    function follow(path: string) {
      const source = new EventSource(server.baseUrl + path, { fetch: server.fetch })
      sources.push(source)
      const received: Received[] = []
      const opened = { count: 0 }
      source.addEventListener('open', () => opened.count++)
      for (const type of ['queued', 'in-progress', 'completed', 'error', 'cancelled']) {
        source.addEventListener(type, (message) => {
          // EventSource also dispatches its own connection failures as `error` events, without data.
          if (typeof message.data !== 'string') return
          received.push({ type, id: message.lastEventId, event: JSON.parse(message.data) as TaskEvent })
        })
      }
      return { source, received, opened }
    }

    async function requestJson(path: string, init?: Parameters<TestServer['fetch']>[1]) {
      const response = await server.fetch(server.baseUrl + path, init)
      return { status: response.status, headers: response.headers, body: await response.json() }
    }

    it('sends the current state first, then every live event in order, and ends after the terminal one', async () => {
      await start()
      const taskId = await createTask(queued, (id) => inProgress(id, 5))
      const { source, received } = follow(`/progress/${taskId}`)
      await vi.waitFor(() => expect(received).toHaveLength(1))
      expect(received[0]).toEqual({ type: 'in-progress', id: '2', event: inProgress(taskId, 5) })

      for (const percentage of [10, 20, 30, 40, 50]) await publish(inProgress(taskId, percentage))
      await publish(completed(taskId))
      await vi.waitFor(() => expect(received.at(-1)?.type).toBe('completed'))
      expect(received.map((r) => r.id)).toEqual(['2', '3', '4', '5', '6', '7', '8'])
      expect(received.map((r) => r.event.progress.percentage)).toEqual([5, 10, 20, 30, 40, 50, 100])
      expect(received.at(-1)?.event).toEqual(completed(taskId))

      // EventSource reconnects after the close; holding the terminal event already, it gets 204 and stops.
      await vi.waitFor(() => expect(source.readyState).toBe(EventSource.CLOSED))
      expect(received).toHaveLength(7)
      expect(ends).toEqual([{ taskIds: [taskId], reason: 'finished' }])
    })

    it('resumes a cut stream from Last-Event-ID, missing nothing and repeating nothing', async () => {
      await start()
      const taskId = await createTask(queued)
      const { received, opened } = follow(`/progress/${taskId}`)
      await vi.waitFor(() => expect(received).toHaveLength(1))
      await publish(inProgress(taskId, 10))
      await publish(inProgress(taskId, 20))
      await vi.waitFor(() => expect(received).toHaveLength(3))

      server.dropConnections()
      for (const percentage of [30, 40, 50]) await publish(inProgress(taskId, percentage))
      await vi.waitFor(() => expect(opened.count).toBe(2))
      await vi.waitFor(() => expect(received).toHaveLength(6))
      await publish(completed(taskId))
      await vi.waitFor(() => expect(received).toHaveLength(7))
      expect(received.map((r) => r.id)).toEqual(['1', '2', '3', '4', '5', '6', '7'])
      expect(received.map((r) => r.event.progress.percentage)).toEqual([0, 10, 20, 30, 40, 50, 100])
    })

    it('resumes from the lastEventId query, and prefers the Last-Event-ID header over it', async () => {
      await start()
      const taskId = await createTask(
        queued,
        ...[10, 20, 30, 40].map((p) => (id: string) => inProgress(id, p)),
        completed,
      )
      const fromQuery = await server.fetch(`${server.baseUrl}/progress/${taskId}?lastEventId=2`)
      const queryEvents = parseSseText(await fromQuery.text())
      expect(queryEvents[0]).toEqual({ retry: 20 })
      expect(queryEvents.slice(1).map((e) => e.id)).toEqual(['3', '4', '5', '6'])

      const fromHeader = await server.fetch(`${server.baseUrl}/progress/${taskId}?lastEventId=2`, {
        headers: { 'last-event-id': '4' },
      })
      expect(parseSseText(await fromHeader.text()).map((e) => e.id)).toEqual([undefined, '5', '6'])
    })

    it('answers 204 to a client that already holds the terminal event', async () => {
      await start()
      const taskId = await createTask(queued, failed)
      const response = await server.fetch(`${server.baseUrl}/progress/${taskId}`, {
        headers: { 'last-event-id': '2' },
      })
      expect(response.status).toBe(204)
      expect(await response.text()).toBe('')
    })

    it('follows several tasks on one stream and resumes all of them from one Last-Event-ID', async () => {
      await start()
      const a = await createTask(queued)
      const b = await createTask(queued, (id) => inProgress(id, 5))
      const { source, received, opened } = follow(`/progress?tasks=${a},${b},${a}`)
      await vi.waitFor(() => expect(received).toHaveLength(2))
      expect(received.map((r) => r.id)).toEqual([`${a}:1`, `${a}:1,${b}:2`])

      await publish(inProgress(a, 10))
      await publish(inProgress(b, 20))
      await vi.waitFor(() => expect(received).toHaveLength(4))
      server.dropConnections()
      await publish(inProgress(a, 30))
      await publish(completed(b))
      await publish(inProgress(a, 40))
      await vi.waitFor(() => expect(opened.count).toBe(2))
      await vi.waitFor(() => expect(received).toHaveLength(7))
      await publish(completed(a))
      await vi.waitFor(() => expect(source.readyState).toBe(EventSource.CLOSED))

      const seqsOf = (taskId: string) =>
        received.filter((r) => r.event.taskId === taskId).map((r) => r.event.progress.percentage)
      expect(seqsOf(a)).toEqual([0, 10, 30, 40, 100])
      expect(seqsOf(b)).toEqual([5, 20, 100])
      expect(received.at(-1)?.id).toBe(`${a}:5,${b}:4`)
      expect(ends.at(-1)?.reason).toBe('finished')
    })

    it(`sends the SSE headers ${transport === 'http2' ? 'without Connection or Transfer-Encoding' : ''}`, async () => {
      await start()
      const taskId = await createTask(queued)
      const controller = new AbortController()
      const response = await server.fetch(`${server.baseUrl}/progress/${taskId}`, {
        signal: controller.signal,
      })
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
      expect(response.headers.get('cache-control')).toBe('no-cache, no-transform')
      expect(response.headers.get('x-accel-buffering')).toBe('no')
      if (transport === 'http2') {
        expect(response.headers.get('connection')).toBeNull()
        expect(response.headers.get('transfer-encoding')).toBeNull()
      } else {
        expect(response.headers.get('connection')).toBe('keep-alive')
      }
      controller.abort()
      await vi.waitFor(() => expect(ends).toEqual([{ taskIds: [taskId], reason: 'client-closed' }]))
    })

    it('drops a consumer that stopped reading, while a healthy one on the same task gets every event', async () => {
      await start()
      const taskId = await createTask(queued)
      const healthy = follow(`/progress/${taskId}`)
      await vi.waitFor(() => expect(healthy.received).toHaveLength(1))
      openStuckConsumer(`/progress/${taskId}`)
      await vi.waitFor(() => expect(bus.subscriberCount(taskId)).toBe(2))

      // 12 KB events: below the write buffer's high-water mark (16 KB), so a consumer that reads never
      // lags, while one that does not fills its TCP or HTTP/2 window and then the server's buffer.
      const step = 'x'.repeat(12 * 1024)
      let published = 1
      while (!ends.some((end) => end.reason === 'dropped') && published < 3000) {
        await publish(inProgress(taskId, published % 100, step))
        published++
        await vi.waitFor(() => expect(healthy.received).toHaveLength(published), { interval: 1 })
      }
      expect(ends).toEqual([{ taskIds: [taskId], reason: 'dropped' }])
      await publish(completed(taskId))
      await vi.waitFor(() => expect(healthy.received.at(-1)?.type).toBe('completed'))
      expect(healthy.received.map((r) => Number(r.id))).toEqual(
        Array.from({ length: published + 1 }, (_, i) => i + 1),
      )
      await vi.waitFor(() => expect(bus.subscriberCount(taskId)).toBe(0))
    })

    /** Requests a stream and never reads a byte of the answer. */
    function openStuckConsumer(path: string): void {
      const url = new URL(server.baseUrl + path)
      if (transport === 'http2') {
        const session = connectHttp2Client(url.origin)
        sessions.push(session)
        const stream = session.request({ ':path': url.pathname, accept: 'text/event-stream' })
        stream.pause()
        return
      }
      const socket = connectTcp({ host: url.hostname, port: Number(url.port) })
      sessions.push(socket)
      socket.on('error', () => undefined)
      socket.pause()
      socket.write(`GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\n\r\n`)
    }

    it('answers bad requests with a JSON error and its code, never a stream', async () => {
      await start({ maxTasksPerStream: 3 })
      const live = await createTask(queued, (id) => inProgress(id, 5))
      const finished = await createTask(queued, completed)
      clock.advance(60_000)
      const unknown = createTaskId()
      const cases: [string, Record<string, string>, number, string][] = [
        [`/progress/${unknown}`, {}, 404, 'TASK_NOT_FOUND'],
        [`/progress/${finished}`, {}, 410, 'TASK_EXPIRED'],
        [`/progress?tasks=${live},${unknown}`, {}, 404, 'TASK_NOT_FOUND'],
        ['/progress/not-a-task-id', {}, 400, 'INVALID_TASK_IDS'],
        ['/progress?tasks=', {}, 400, 'INVALID_TASK_IDS'],
        ['/progress', {}, 400, 'INVALID_TASK_IDS'],
        [`/progress?tasks=${live},,${live}`, {}, 400, 'INVALID_TASK_IDS'],
        [`/progress?tasks=${[1, 2, 3, 4].map(() => createTaskId()).join(',')}`, {}, 400, 'TOO_MANY_TASK_IDS'],
        [`/progress/${live}`, { 'last-event-id': 'garbage' }, 400, 'INVALID_LAST_EVENT_ID'],
        [`/progress/${live}?lastEventId=-1`, {}, 400, 'INVALID_LAST_EVENT_ID'],
        [`/progress/${live}`, { 'last-event-id': '3' }, 400, 'INVALID_LAST_EVENT_ID'],
        [`/progress?tasks=${live},${unknown}`, { 'last-event-id': '1' }, 400, 'INVALID_LAST_EVENT_ID'],
        ['/elsewhere', {}, 404, 'ROUTE_NOT_FOUND'],
      ]
      for (const [path, headers, status, code] of cases) {
        const answer = await requestJson(path, { headers })
        expect({ path, status: answer.status, body: answer.body }).toEqual({
          path,
          status,
          body: { error: { code, message: expect.any(String) } },
        })
        expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8')
      }
      const post = await requestJson(`/progress/${live}`, { method: 'POST' })
      expect([post.status, post.headers.get('allow'), post.body]).toEqual([
        405,
        'GET',
        { error: { code: 'METHOD_NOT_ALLOWED', message: expect.any(String) } },
      ])
      expect(bus.subscriberCount(live)).toBe(0)
    })

    it('caps subscribers per task and frees the slot when a client leaves', async () => {
      await start({ maxSubscribersPerTask: 2 })
      const taskId = await createTask(queued)
      const first = follow(`/progress/${taskId}`)
      follow(`/progress/${taskId}`)
      await vi.waitFor(() => expect(bus.subscriberCount(taskId)).toBe(2))
      const refused = await requestJson(`/progress/${taskId}`)
      expect([refused.status, refused.body]).toEqual([
        429,
        { error: { code: 'TOO_MANY_SUBSCRIBERS', message: expect.any(String) } },
      ])
      first.source.close()
      await vi.waitFor(() => expect(ends).toHaveLength(1))
      const third = follow(`/progress/${taskId}`)
      await vi.waitFor(() => expect(third.received).toHaveLength(1))
    })

    it('lets a real EventSource give up on an unknown task', async () => {
      await start()
      const errors: number[] = []
      const { source } = follow(`/progress/${createTaskId()}`)
      source.addEventListener('error', (event) => errors.push((event as unknown as { code: number }).code))
      await vi.waitFor(() => expect(source.readyState).toBe(EventSource.CLOSED))
      expect(errors).toEqual([404])
    })
  })
}
