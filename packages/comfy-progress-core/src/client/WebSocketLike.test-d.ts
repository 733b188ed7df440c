/**
 * Type-level proof that the real platform implementations satisfy core's structural types, so users
 * can pass them as options without a cast. Checked by `tsc -p tsconfig.json` (typecheck).
 */
import { WebSocket as NodeWebSocket } from 'ws'
import type { AbortSignalLike, FetchLike } from './FetchLike.js'
import type { WebSocketConstructorLike } from './WebSocketLike.js'

export const nodeWs: WebSocketConstructorLike = NodeWebSocket
export const nodeFetch: FetchLike = fetch
export const nodeSignal: AbortSignalLike = new AbortController().signal
