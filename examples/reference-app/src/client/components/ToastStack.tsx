import { Component, type ComponentChild } from 'preact'

/** One message of the stack. */
export interface Toast {
  readonly kind: 'success' | 'error'
  readonly title: string
  readonly message?: string
  /** A thumbnail shown beside a success. */
  readonly imageUrl?: string
  /** A button in the toast, e.g. to show the new image. */
  readonly action?: { readonly label: string; readonly run: () => void }
}

interface ShownToast extends Toast {
  readonly id: number
}

interface ToastStackState {
  readonly toasts: readonly ShownToast[]
}

/** How long a toast stays, in ms: successes go quickly, errors stay longer to be read. */
const DURATION_MS = { success: 4000, error: 9000 }

/**
 * Short messages in a corner of the page (the bottom on a phone): a success when an image is ready,
 * an error in words when something failed. Each closes itself after a while or on its close button;
 * screen readers hear them (a polite live region; errors are alerts).
 */
export class ToastStack extends Component<object, ToastStackState> {
  #nextId = 1
  readonly #timers = new Map<number, ReturnType<typeof setTimeout>>()

  constructor(props: object) {
    super(props)
    this.state = { toasts: [] }
  }

  override componentWillUnmount(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer)
  }

  /** Shows a toast. */
  show(toast: Toast): void {
    const id = this.#nextId++
    this.setState(({ toasts }) => ({ toasts: [...toasts.slice(-3), { ...toast, id }] }))
    this.#timers.set(
      id,
      setTimeout(() => this.close(id), DURATION_MS[toast.kind]),
    )
  }

  /** Closes a toast. */
  close(id: number): void {
    clearTimeout(this.#timers.get(id))
    this.#timers.delete(id)
    this.setState(({ toasts }) => ({ toasts: toasts.filter((toast) => toast.id !== id) }))
  }

  override render(): ComponentChild {
    return (
      <div class="toasts" aria-live="polite">
        {this.state.toasts.map((toast) => (
          <div
            key={toast.id}
            class={`toast toast-${toast.kind}`}
            role={toast.kind === 'error' ? 'alert' : 'status'}
          >
            {toast.imageUrl !== undefined ? (
              <img class="toast-thumb" src={toast.imageUrl} alt="" />
            ) : (
              <span class="toast-icon" aria-hidden="true">
                {toast.kind === 'success' ? '✓' : '!'}
              </span>
            )}
            <div class="toast-body">
              <strong class="toast-title">{toast.title}</strong>
              {toast.message !== undefined && toast.message !== '' && (
                <p class="toast-message">{toast.message}</p>
              )}
              {toast.action !== undefined && (
                <button
                  type="button"
                  class="toast-action"
                  onClick={() => {
                    toast.action?.run()
                    this.close(toast.id)
                  }}
                >
                  {toast.action.label}
                </button>
              )}
            </div>
            <button type="button" class="toast-close" aria-label="Close" onClick={() => this.close(toast.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    )
  }
}
