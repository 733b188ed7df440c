/**
 * The part of a WebSocket that {@link ComfyClient} uses, declared structurally so that core needs no
 * DOM or Node typings. The browser's native `WebSocket`, Node's `ws` package (the default, through
 * `isomorphic-ws`) and the `WebSocket` of Node 22+, Deno and Bun all satisfy it.
 *
 * @module
 */

/** What `onmessage` receives: `data` is a string for text frames and bytes for binary frames. */
export interface WebSocketMessageEventLike {
  readonly data: unknown
}

/** What `onclose` receives. */
export interface WebSocketCloseEventLike {
  readonly code?: number
  readonly reason?: string
}

/**
 * An event handler property. Declared through a method so that its parameter is checked bivariantly:
 * that lets the DOM's `(ev: MessageEvent) => any` and `ws`'s `(event: WebSocket.MessageEvent) => void`
 * handler types both satisfy it.
 */
export type WebSocketHandlerLike<TEvent> = { bivarianceHack(event: TEvent): void }['bivarianceHack']

/** A WebSocket as core uses it. */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number
  /**
   * Set to `"arraybuffer"` by the client unless it is `"nodebuffer"` (Node's `ws`, whose `Buffer`s
   * are `Uint8Array`s and need no copy).
   */
  binaryType: string
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: WebSocketHandlerLike<unknown> | null
  onmessage: WebSocketHandlerLike<WebSocketMessageEventLike> | null
  onclose: WebSocketHandlerLike<WebSocketCloseEventLike> | null
  onerror: WebSocketHandlerLike<unknown> | null
  /** Node `ws` only: sends a WebSocket ping. When present with `on`, liveness uses ping/pong. */
  ping?: (() => void) | undefined
  /** Node `ws` only: subscribes to `pong`. */
  on?: ((event: 'pong', listener: () => void) => unknown) | undefined
  /** Node `ws` only: destroys the socket at once, without the closing handshake. */
  terminate?: (() => void) | undefined
}

/** A WebSocket constructor, such as `globalThis.WebSocket` or `ws`'s `WebSocket`. */
export type WebSocketConstructorLike = new (url: string) => WebSocketLike

/** `WebSocket.OPEN`: the ready state of an open socket. */
export const WEBSOCKET_OPEN = 1
