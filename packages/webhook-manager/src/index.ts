/**
 * `@comfy-progress/webhook-manager`: follow comfy-progress tasks in the browser over Server-Sent
 * Events — one stream for many tasks, validated events, reconnection with backoff and resume without
 * gaps or repeats, and the stream's connection state. Safe to import during server-side rendering.
 *
 * Exports follow the data flow: the manager and its singleton, then its callbacks, events and options.
 *
 * @module
 */

// ⑧ the manager
export { WebhookManager } from './WebhookManager.js'
export { webhookManager } from './webhookManagerSingleton.js'

// subscriptions and connection state
export type { TaskCallbacks } from './TaskCallbacks.js'
export type { ConnectionState, ConnectionInfo, WebhookManagerEvents } from './WebhookManagerEvents.js'

// options
export { webhookManagerDefaults } from './WebhookManagerOptions.js'
export type {
  WebhookManagerOptions,
  WebhookManagerTimers,
  EventSourceLike,
  EventSourceConstructor,
  ProbeFetch,
} from './WebhookManagerOptions.js'
