import { ConnectionStatus, type ConnectionSource } from '@comfy-progress/progress-banner'
import type { ComponentChild } from 'preact'
import type { BackendHealth } from '../useBackendHealth.js'

/** Props of {@link AppHeader}. */
export interface AppHeaderProps {
  readonly page: 'index' | 'inpaint'
  readonly health: BackendHealth
  /** The progress stream whose state the header shows (the page's `WebhookManager`). */
  readonly stream: ConnectionSource
}

const STATUS_WORDS: Readonly<Record<BackendHealth['status'], string>> = {
  unknown: 'Checking…',
  ok: 'Ready',
  connecting: 'Connecting…',
  down: 'Offline',
  'server-down': 'Server offline',
}

/**
 * The top bar: the app's name, the two pages, the progress stream's state (Live, Reconnecting…) and
 * what generates the images (the simulator or ComfyUI) with its health.
 */
export function AppHeader({ page, health, stream }: AppHeaderProps): ComponentChild {
  const backend =
    health.backend === 'comfyui' ? 'ComfyUI' : health.backend === 'simulator' ? 'Simulator' : 'Backend'
  const title =
    health.backend === 'simulator'
      ? 'Images come from the built-in ComfyUI simulator'
      : `ComfyUI${health.checkpoint === null ? '' : ` · ${health.checkpoint}`}`
  return (
    <header class="topbar">
      <div class="topbar-inner">
        <a class="brand" href="/">
          <span class="brand-mark" aria-hidden="true" />
          <span class="brand-name">comfy-progress</span>
          <span class="brand-sub">studio</span>
        </a>
        <nav class="tabs" aria-label="Pages">
          <a href="/" aria-current={page === 'index' ? 'page' : undefined}>
            Create
          </a>
          <a href="/inpaint" aria-current={page === 'inpaint' ? 'page' : undefined}>
            Inpaint
          </a>
        </nav>
        <div class="topbar-status">
          <ConnectionStatus source={stream} />
          <span class="backend-pill" data-status={health.status} title={title}>
            {backend} · {STATUS_WORDS[health.status]}
          </span>
        </div>
      </div>
    </header>
  )
}
