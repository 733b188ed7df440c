/**
 * A real webhook receiver for the soak: a node:http server on 127.0.0.1 that verifies every request
 * with the server's `verifyWebhook` over the raw body, de-duplicates by `webhook-id` as the README
 * tells receivers to, and can be told to fail (500), to hang (the dispatcher's timeout) or to be slow,
 * then to recover.
 */
import { once } from 'node:events'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TaskEvent } from '@comfy-progress/core'
import { isTerminalEvent } from '../src/tasks/isTerminalEvent.js'
import { verifyWebhook } from '../src/webhooks/verifyWebhook.js'

/** How the receiver answers for now. */
export type ReceiverMode = 'ok' | 'fail' | 'hang' | 'slow'

/** One terminal event a receiver accepted (answered 2xx). */
export interface ReceivedTerminal {
  readonly webhookId: string
  readonly sequence: number | null
  readonly status: TaskEvent['status']
}

/** A running soak receiver. */
export interface SoakReceiver {
  readonly name: string
  readonly url: string
  /** Terminal events accepted, per task, one entry per distinct `webhook-id`. */
  readonly terminals: Map<string, ReceivedTerminal[]>
  /** Events accepted per task (any status), as `seq:status`. */
  readonly accepted: Map<string, string[]>
  /** Requests whose signature or body did not verify. */
  readonly badSignatures: number
  /** Requests for a `webhook-id` this receiver had already acknowledged with a 2xx. */
  readonly redeliveries: number
  /** Requests refused on purpose (500) or left hanging. */
  readonly refused: number
  setMode(mode: ReceiverMode): void
  close(): Promise<void>
}

/** Starts a receiver that verifies with `secret`. */
export async function startSoakReceiver(name: string, secret: string): Promise<SoakReceiver> {
  const terminals = new Map<string, ReceivedTerminal[]>()
  const acceptedEvents = new Map<string, string[]>()
  const acknowledged = new Set<string>()
  const hanging = new Set<ServerResponse>()
  const counts = { badSignatures: 0, redeliveries: 0, refused: 0 }
  let mode: ReceiverMode = 'ok'

  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks)
      if (mode === 'hang') {
        counts.refused++
        hanging.add(response)
        response.on('close', () => hanging.delete(response))
        return
      }
      if (mode === 'fail') {
        counts.refused++
        response.writeHead(500).end()
        return
      }
      let verified: ReturnType<typeof verifyWebhook>
      try {
        verified = verifyWebhook(body, request.headers, { secret })
      } catch {
        counts.badSignatures++
        response.writeHead(400).end()
        return
      }
      const answer = () => {
        if (acknowledged.has(verified.id)) counts.redeliveries++
        else if (isTerminalEvent(verified.event)) {
          const list = terminals.get(verified.event.taskId) ?? []
          list.push({ webhookId: verified.id, sequence: verified.sequence, status: verified.event.status })
          terminals.set(verified.event.taskId, list)
        }
        acknowledged.add(verified.id)
        const list = acceptedEvents.get(verified.event.taskId) ?? []
        list.push(`${verified.sequence}:${verified.event.status}`)
        acceptedEvents.set(verified.event.taskId, list)
        response.writeHead(204).end()
      }
      if (mode === 'slow') setTimeout(answer, 100)
      else answer()
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    name,
    url: `http://127.0.0.1:${port}/hooks/${name}`,
    terminals,
    get badSignatures() {
      return counts.badSignatures
    },
    get redeliveries() {
      return counts.redeliveries
    },
    accepted: acceptedEvents,
    get refused() {
      return counts.refused
    },
    setMode(next) {
      mode = next
      // A hanging receiver that recovers drops the requests it held (the dispatcher retries them).
      if (next !== 'hang') for (const response of hanging) response.destroy()
    },
    async close() {
      for (const response of hanging) response.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
