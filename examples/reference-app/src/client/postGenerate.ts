import type { GenerateBody } from '../shared/GenerateBody.js'
import { NETWORK_FAILURE } from './describeFailure.js'

/** What `POST /api/generate` answered. */
export type GenerateAnswer =
  | { readonly ok: true; readonly taskId: string }
  | {
      readonly ok: false
      readonly code: string
      readonly message: string
    }

/**
 * Asks the server for an image. Resolves as soon as the server answers with the task id (`202`): the
 * image is followed afterwards, over the progress stream. Never rejects: a failure, the server's or
 * the network's, comes back as `{ok: false, code, message}`.
 */
export async function postGenerate(body: GenerateBody): Promise<GenerateAnswer> {
  let response: Response
  try {
    response = await fetch('/api/generate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  } catch {
    return { ok: false, code: NETWORK_FAILURE, message: 'The server did not answer.' }
  }
  const json = (await response.json().catch(() => null)) as {
    taskId?: unknown
    error?: { code?: unknown; message?: unknown }
  } | null
  if (response.ok && typeof json?.taskId === 'string') return { ok: true, taskId: json.taskId }
  const error = json?.error
  return {
    ok: false,
    code: typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`,
    message: typeof error?.message === 'string' ? error.message : `The server answered ${response.status}.`,
  }
}
