/**
 * The receiving side of `fanOut.bench.ts`, in its own process: opens N raw HTTP/1.1 SSE connections
 * to the server under test and timestamps every event each of them receives. Events are identified by
 * `"currentValue":<i>` in their data; the parent sends each event's publish time over IPC.
 *
 * Connection c goes to `urls[c % urls.length]` (several server instances share the subscribers).
 *
 * Messages from the parent: `{connect: {urls, count}}`, `{sent: i, at}`, `{expect: i}`, `{report: [from, to]}`.
 * Messages to the parent: `{connected}`, `{received: i}` (every connection has event i), `{report}`.
 */
import { connect, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'

const now = () => performance.timeOrigin + performance.now()
const sockets: Socket[] = []
/** Receive time of event i on connection c, at `c * MAX_EVENTS + i`. */
const MAX_EVENTS = 128
let received = new Float64Array(0)
const sentAt = new Map<number, number>()
/** How many connections have event i, and the time the last one got it. */
const arrivals = new Map<number, number>()
let lastArrival = 0
let expected: number | null = null
let count = 0

function send(message: unknown): void {
  process.send!(message)
}

const NEEDLE = Buffer.from('"currentValue":')

/** Records that connection `index` received event `i` at `time`. */
function arrive(index: number, i: number, time: number): void {
  if (i === 0 || i >= MAX_EVENTS) return
  received[index * MAX_EVENTS + i] = time
  const n = (arrivals.get(i) ?? 0) + 1
  arrivals.set(i, n)
  lastArrival = time
  if (i === expected && n === count) {
    expected = null
    send({ received: i, at: time })
  }
}

function open(url: URL, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) })
    socket.setNoDelay(true)
    sockets.push(socket)
    let carry: Buffer | null = null
    let headers = false
    socket.on('error', reject)
    socket.on('connect', () => {
      socket.write(
        `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\n\r\n`,
      )
    })
    // Scans bytes for `"currentValue":<digits>` without decoding or copying (cheap enough that 10 000
    // connections in one process measure the server, not this parser).
    socket.on('data', (chunk: Buffer) => {
      const time = now()
      let buffer = carry === null ? chunk : Buffer.concat([carry, chunk])
      carry = null
      if (!headers) {
        const end = buffer.indexOf('\r\n\r\n')
        if (end === -1) {
          carry = buffer
          return
        }
        headers = true
        if (buffer.toString('latin1', 0, 12) !== 'HTTP/1.1 200')
          reject(new Error(buffer.toString('latin1', 0, 200)))
        buffer = buffer.subarray(end + 4)
        resolve()
      }
      let at = buffer.indexOf(NEEDLE)
      while (at !== -1) {
        let j = at + NEEDLE.length
        let value = 0
        while (j < buffer.length && buffer[j]! >= 0x30 && buffer[j]! <= 0x39)
          value = value * 10 + buffer[j++]! - 0x30
        if (j === buffer.length) {
          carry = Buffer.from(buffer.subarray(at))
          return
        }
        arrive(index, value, time)
        at = buffer.indexOf(NEEDLE, j)
      }
      carry = Buffer.from(buffer.subarray(Math.max(0, buffer.length - NEEDLE.length + 1)))
    })
  })
}

process.on('message', (message: Record<string, unknown>) => {
  void handle(message)
})

async function handle(message: Record<string, unknown>): Promise<void> {
  if (message.connect) {
    const { urls, count: n } = message.connect as { urls: string[]; count: number }
    count = n
    received = new Float64Array(n * MAX_EVENTS)
    const targets = urls.map((url) => new URL(url))
    for (let start = 0; start < n; start += 500) {
      const batch = []
      for (let i = start; i < Math.min(n, start + 500); i++) batch.push(open(targets[i % targets.length]!, i))
      await Promise.all(batch)
    }
    send({ connected: n })
  } else if (typeof message.sent === 'number') {
    sentAt.set(message.sent, message.at as number)
  } else if (typeof message.expect === 'number') {
    const i = message.expect
    if ((arrivals.get(i) ?? 0) === count) send({ received: i, at: lastArrival })
    else expected = i
  } else if (message.report) {
    const [from, to] = message.report as [number, number]
    const latencies: number[] = []
    let delivered = 0
    let first = Number.POSITIVE_INFINITY
    let last = 0
    for (let c = 0; c < count; c++) {
      for (let i = from; i <= to; i++) {
        const at = received[c * MAX_EVENTS + i]!
        if (at === 0) continue
        delivered++
        latencies.push(at - sentAt.get(i)!)
        first = Math.min(first, sentAt.get(i)!)
        last = Math.max(last, at)
      }
    }
    latencies.sort((a, b) => a - b)
    const pick = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN
    send({ report: { delivered, p50: pick(0.5), p99: pick(0.99), spanMs: last - first } })
  } else if (message.close) {
    for (const socket of sockets) socket.destroy()
    process.exit(0)
  }
}
