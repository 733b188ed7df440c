import { WebhookManager } from '@comfy-progress/webhook-manager'

/**
 * The pages' progress streams: one `WebhookManager` for the page, as the design document's
 * singleton, pointed at the routes' mount path. (The package's own `webhookManager` singleton
 * expects the routes at the site's root; this app mounts them under `/api`.)
 */
export const webhookManager: WebhookManager = new WebhookManager({ baseUrl: '/api' })
