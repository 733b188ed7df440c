import { ComfyProgressError, isComfyProgressError } from '@comfy-progress/core'
import { errorResponse } from './errorResponse.js'
import type { NeutralHandler, NeutralRequest, NeutralResponse } from './NeutralHttp.js'

/**
 * Makes a route handler that never rejects: a `ComfyProgressError` becomes its JSON error response;
 * anything else is a bug, logged and answered as `INTERNAL_ERROR` without details.
 */
export function withErrorResponses(
  handler: (request: NeutralRequest) => Promise<NeutralResponse>,
): NeutralHandler {
  return async (request) => {
    try {
      return await handler(request)
    } catch (error) {
      if (isComfyProgressError(error)) return errorResponse(error)
      console.error('comfy-progress: a route handler failed unexpectedly', error)
      return errorResponse(new ComfyProgressError('INTERNAL_ERROR', undefined, { cause: error }))
    }
  }
}
