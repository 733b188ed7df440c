import type { AbortSignalLike } from '../client/FetchLike.js'

/** An `AbortController` as core uses it. */
export interface AbortControllerLike {
  readonly signal: AbortSignalLike
  abort(reason?: unknown): void
}

/** A new platform `AbortController` (global in Node 20+, browsers, Deno and Bun). */
export function createAbortController(): AbortControllerLike {
  const Controller = (globalThis as unknown as { AbortController: new () => AbortControllerLike })
    .AbortController
  return new Controller()
}
