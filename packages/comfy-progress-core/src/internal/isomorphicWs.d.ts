/**
 * The default export of `isomorphic-ws`, typed as `unknown` on purpose: callers cast it to core's own
 * structural `WebSocketConstructorLike`, so no Node or DOM types reach core's declarations.
 */
export declare const isomorphicWebSocket: unknown
