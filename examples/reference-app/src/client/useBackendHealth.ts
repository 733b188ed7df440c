import { useEffect, useState } from 'preact/hooks'

/** What generates the images, as `/config.json` says, and whether it can right now (`/api/health`). */
export interface BackendHealth {
  /** `null` until `/config.json` answered. */
  readonly backend: 'simulator' | 'comfyui' | null
  readonly checkpoint: string | null
  /**
   * `ok`: connected to ComfyUI; `connecting`: (re)connecting; `down`: ComfyUI is unreachable;
   * `unknown`: not asked yet; `server-down`: the app server itself does not answer.
   */
  readonly status: 'unknown' | 'ok' | 'connecting' | 'down' | 'server-down'
}

/** How often the page asks `/api/health`, in ms. */
const POLL_MS = 10_000

/**
 * The backend's health for the header and the offline notice: `/config.json` once, then `/api/health`
 * now and every 10 s (sooner after a failure is seen, through {@link BackendHealth.status}).
 */
export function useBackendHealth(): BackendHealth {
  const [health, setHealth] = useState<BackendHealth>({ backend: null, checkpoint: null, status: 'unknown' })

  useEffect(() => {
    let stopped = false
    void fetch('/config.json')
      .then(
        (response) => response.json() as Promise<{ backend: BackendHealth['backend']; checkpoint: string }>,
      )
      .then((config) => {
        if (!stopped) setHealth((now) => ({ ...now, backend: config.backend, checkpoint: config.checkpoint }))
      })
      .catch(() => undefined)
    const check = async (): Promise<void> => {
      const status = await fetch('/api/health')
        .then((response) => response.json() as Promise<{ status?: string; comfy?: { state?: string } }>)
        .then(({ status, comfy }) =>
          // `degraded` while reconnecting means the last attempt failed: ComfyUI is unreachable now.
          status === 'ok'
            ? 'ok'
            : status === 'degraded' && comfy?.state !== 'reconnecting'
              ? 'connecting'
              : 'down',
        )
        .catch(() => 'server-down' as const)
      if (!stopped) setHealth((now) => (now.status === status ? now : { ...now, status }))
    }
    void check()
    const timer = setInterval(() => void check(), POLL_MS)
    return () => {
      stopped = true
      clearInterval(timer)
    }
  }, [])

  return health
}
