import { ComfyProgressError } from '@comfy-progress/core'

/**
 * The request target as a URL (path and query; the origin is a placeholder). A target the URL parser
 * refuses — `//`, `/\`, `//[` are valid HTTP request targets to Node's parser but not relative URLs —
 * matches no route: `ROUTE_NOT_FOUND`, never an unexpected `TypeError` (a 500).
 */
export function parseRequestUrl(target: string): URL {
  try {
    return new URL(target, 'http://localhost')
  } catch (error) {
    throw new ComfyProgressError(
      'ROUTE_NOT_FOUND',
      'comfy-progress: the request target is not a valid path.',
      {
        cause: error,
      },
    )
  }
}
