import type { WebhookManagerOptions } from './WebhookManagerOptions.js'

/** What a probe learnt: the HTTP status (0: no answer at all) and, for 404/410, the body's error code. */
export interface ProbeAnswer {
  readonly status: number
  /** `error.code` of the server's JSON error body, when it answered 404 or 410 with one. */
  readonly code?: unknown
}

/** Whether an HTTP status says a task is gone for good: 404 (unknown) or 410 (expired). */
export function isGone(status: number): boolean {
  return status === 404 || status === 410
}

/**
 * The HTTP answer to a `GET` of `url`, which the browser's `EventSource` hides (it only reports an
 * `error` event): its status and, when the task is gone, the error code of the JSON body. The body of
 * any other answer is dropped unread (the request is aborted), so a probe never holds a stream open.
 * Never rejects: a network failure, or no `fetch` at all, answers status 0.
 */
export async function probeStatus(
  url: string,
  options: Pick<WebhookManagerOptions, 'fetch' | 'withCredentials'>,
): Promise<ProbeAnswer> {
  const controller = new AbortController()
  try {
    const response = await (options.fetch ?? globalThis.fetch)(url, {
      signal: controller.signal,
      credentials: options.withCredentials ? 'include' : 'same-origin',
    })
    if (!isGone(response.status)) return { status: response.status }
    const body = (await response.json().catch(() => null)) as { error?: { code?: unknown } } | null
    return { status: response.status, code: body?.error?.code }
  } catch {
    return { status: 0 }
  } finally {
    controller.abort()
  }
}
