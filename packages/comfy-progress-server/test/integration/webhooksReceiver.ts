/**
 * Real webhook receivers for the webhook suites: node:http servers on 127.0.0.1, port 0, that record
 * every request (raw body, headers, arrival time) and answer as each test scripts them.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { listenHttp1, type NodeHandler, type TestServer } from '../helpers.js'

/** One request as the receiver got it. */
export interface ReceivedWebhook {
  readonly headers: IncomingHttpHeaders
  /** The raw body, exactly the bytes received, as UTF-8. */
  readonly body: string
  readonly path: string
  /** `Date.now()` on arrival. */
  readonly at: number
  /** 1 for the first request this receiver got. */
  readonly n: number
}

/** How to answer one request: a status and headers, or `hang` (never answer). */
export type ReceiverAnswer = { readonly status: number; readonly headers?: Record<string, string> } | 'hang'

/** A running receiver. */
export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  readonly port: number
  readonly received: ReceivedWebhook[]
  close(): Promise<void>
}

/** Starts a receiver that answers each request with `answer(request)` (200 by default). */
export async function startReceiver(
  answer: (request: ReceivedWebhook) => ReceiverAnswer = () => ({ status: 200 }),
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = []
  const handler: NodeHandler = async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const request: ReceivedWebhook = {
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      path: req.url ?? '/',
      at: Date.now(),
      n: received.length + 1,
    }
    received.push(request)
    const reply = answer(request)
    if (reply === 'hang') return
    res.writeHead(reply.status, reply.headers ?? {})
    res.end()
  }
  const server: TestServer = await listenHttp1(handler)
  const origin = server.baseUrl
  return { origin, port: Number(new URL(origin).port), received, close: () => server.close() }
}

/** The three Standard Webhooks headers of a received request, as strings (for `standardwebhooks`). */
export function signatureHeaders(request: ReceivedWebhook): Record<string, string> {
  const pick = (name: string) => String(request.headers[name] ?? '')
  return {
    'webhook-id': pick('webhook-id'),
    'webhook-timestamp': pick('webhook-timestamp'),
    'webhook-signature': pick('webhook-signature'),
  }
}
