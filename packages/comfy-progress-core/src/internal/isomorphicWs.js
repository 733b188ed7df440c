// Re-exports the default WebSocket of `isomorphic-ws` (the `ws` package in Node, the native
// WebSocket in browsers through the package's `browser` field). This file is plain JavaScript, typed
// by `isomorphicWs.d.ts`, so that TypeScript never resolves `isomorphic-ws`'s own typings: they pull
// in `@types/ws` and `@types/node`, and core's build must prove that it needs no platform types.
export { default as isomorphicWebSocket } from 'isomorphic-ws'
