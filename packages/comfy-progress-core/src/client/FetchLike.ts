/**
 * The part of the Fetch API that {@link ComfyHttpApi} uses, declared structurally so that core needs
 * no DOM typings. `globalThis.fetch` of Node 20+, browsers, Deno and Bun satisfies it, as do
 * `AbortSignal`, `Blob` and `FormData` of those platforms.
 *
 * @module
 */

/** An `AbortSignal` as core uses it. */
export interface AbortSignalLike {
  readonly aborted: boolean
  readonly reason?: unknown
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void
  removeEventListener(type: 'abort', listener: () => void): void
}

/** A `Blob` (or `File`) as core uses it. */
export interface BlobLike {
  readonly size: number
  readonly type: string
  arrayBuffer(): Promise<ArrayBuffer>
}

/**
 * The `RequestInit` fields core sets: `headers` is a plain record, `body` a string or a platform
 * `FormData`. Typed loosely so that the platforms' own `RequestInit` types are compatible with it.
 */
export interface FetchInitLike {
  method?: string
  headers?: unknown
  body?: unknown
  signal?: AbortSignalLike | null
}

/** A `Response` as core uses it. */
export interface ResponseLike {
  readonly ok: boolean
  readonly status: number
  readonly headers: { get(name: string): string | null }
  text(): Promise<string>
  arrayBuffer(): Promise<ArrayBuffer>
}

/**
 * A `fetch` function, such as `globalThis.fetch`. Declared through a method so that its parameters
 * are checked bivariantly, which lets the DOM's and Node's `fetch` types satisfy it.
 */
export type FetchLike = {
  bivarianceHack(url: string, init?: FetchInitLike): Promise<ResponseLike>
}['bivarianceHack']
