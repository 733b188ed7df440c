import { WebhookManager } from './WebhookManager.js'

/**
 * The shared {@link WebhookManager} of the page (the design document's singleton), with default
 * options: same-origin routes (`/progress`), the browser's `EventSource`, `fetch` and timers. Creating
 * it touches no browser global, so importing it during server-side rendering is safe.
 *
 * (The file is not named `webhookManager.ts`: it would differ from `WebhookManager.ts` only by case,
 * which case-insensitive file systems cannot hold.)
 *
 * @example
 * ```ts
 * import { webhookManager } from '@comfy-progress/webhook-manager'
 *
 * webhookManager.subscribe(taskId, { onComplete: (event) => show(event.result.imageUrl) })
 * ```
 */
export const webhookManager: WebhookManager = /* @__PURE__ */ new WebhookManager()
