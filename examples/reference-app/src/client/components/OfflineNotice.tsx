import type { ComponentChild } from 'preact'
import type { BackendHealth } from '../useBackendHealth.js'

/**
 * A notice above the form while images cannot be made: ComfyUI is unreachable, or the app server
 * itself does not answer. Nothing otherwise.
 */
export function OfflineNotice({ health }: { readonly health: BackendHealth }): ComponentChild {
  if (health.status !== 'down' && health.status !== 'server-down') return null
  return (
    <div class="notice notice-error" role="alert">
      <strong>
        {health.status === 'down' ? 'ComfyUI is not reachable.' : 'The app server does not answer.'}
      </strong>{' '}
      {health.status === 'down'
        ? 'New images will fail until it is back. Check that ComfyUI is running; this page checks again every few seconds.'
        : 'Check that it is still running (pnpm start). This page checks again every few seconds.'}
    </div>
  )
}
