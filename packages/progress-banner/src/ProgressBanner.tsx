import type {
  CancelledTaskEvent,
  CompletedTaskEvent,
  ErrorTaskEvent,
  InProgressTaskEvent,
  QueuedTaskEvent,
  TaskProgress,
  TaskResult,
  TaskStatus,
} from '@comfy-progress/core'
import { Component, type ComponentChild } from 'preact'
import { BANNER_STYLES } from './bannerStyles.js'
import { describeProgress } from './describeProgress.js'
import { formatEta } from './formatEta.js'
import type { ProgressError, ProgressSource } from './ProgressSource.js'

/** The props of {@link ProgressBanner} that have a default. */
type DefaultedProps = Required<
  Pick<ProgressBannerProps, 'hideAfterMs' | 'showPreview' | 'label' | 'announceIntervalMs'>
>

/** The defaults of {@link ProgressBannerProps}. */
export const progressBannerDefaults: Readonly<DefaultedProps> = Object.freeze({
  hideAfterMs: 4000,
  showPreview: false,
  label: 'Generation progress',
  announceIntervalMs: 5000,
})

/** Props of {@link ProgressBanner}. */
export interface ProgressBannerProps {
  /** The task to follow. Changing it follows the new task from scratch. */
  readonly taskId: string
  /** Where events come from: a `WebhookManager` (e.g. the `webhookManager` singleton) or any {@link ProgressSource}. */
  readonly webhookManager: ProgressSource
  /** Called once with the result when the task completes (the design document's hand-off to the app). */
  readonly onComplete?: (result: TaskResult, event: CompletedTaskEvent) => void
  /** Called when the task fails, is cancelled, or cannot be followed (`error.code` says which). */
  readonly onError?: (error: ProgressError, event?: ErrorTaskEvent | CancelledTaskEvent) => void
  /** Called when the person dismisses the banner; the banner has stopped following the task. */
  readonly onDismiss?: (taskId: string) => void
  /**
   * How long the completed banner stays before it hides itself, in ms; `null` keeps it.
   * @default 4000
   */
  readonly hideAfterMs?: number | null
  /**
   * Show the server's live preview thumbnail (`event.preview.url`) while the task runs.
   * @default false
   */
  readonly showPreview?: boolean
  /**
   * Accessible name of the banner and its progress bar.
   * @default 'Generation progress'
   */
  readonly label?: string
  /**
   * Least time between two progress announcements of the live region, in ms (status changes are
   * announced at once).
   * @default 5000
   */
  readonly announceIntervalMs?: number
}

/** What the banner shows: `pending` until the first event, then the task's status. */
export type BannerStatus = TaskStatus | 'pending'

/** State of {@link ProgressBanner}: the design document's five fields, then what the view needs beside. */
export interface ProgressBannerState {
  readonly isVisible: boolean
  /** The latest event's progress block, `null` before the first event. */
  readonly progress: TaskProgress | null
  /** The main line: the step and its counter, or what went wrong. */
  readonly message: string
  readonly status: BannerStatus
  /** Whole-task percentage shown by the bar (kept where it was when the task failed). */
  readonly percentage: number
  /** Seconds left (`null`: unknown). */
  readonly eta: number | null
  /** The second line of an error: ComfyUI's message or the reason the task cannot be followed. */
  readonly details: string
  /** The live preview's URL while running, when `showPreview` is on. */
  readonly previewUrl: string | null
  /** What the polite live region says (throttled). */
  readonly announcement: string
}

const INITIAL: ProgressBannerState = {
  isVisible: true,
  progress: null,
  message: 'Starting...',
  status: 'pending',
  percentage: 0,
  eta: null,
  details: '',
  previewUrl: null,
  announcement: '',
}

/**
 * A banner fixed at the top of the page that follows one task: the step name, an inline progress
 * bar with smooth transitions, the percentage and the time left, a dismiss button, and an error
 * state. It subscribes in `componentDidMount`, unsubscribes in `componentWillUnmount`, on dismiss and
 * when `taskId` changes. Accessible (`role="progressbar"` with `aria-valuenow`/`aria-valuetext`, a
 * polite live region with throttled announcements, a labelled dismiss button), honours
 * `prefers-reduced-motion`, themeable with CSS custom properties, and renders on the server without
 * touching `window`.
 *
 * @example
 * ```tsx
 * import { render } from 'preact'
 * import { webhookManager } from '@comfy-progress/webhook-manager'
 * import { ProgressBanner } from '@comfy-progress/progress-banner'
 *
 * render(
 *   <ProgressBanner taskId={taskId} webhookManager={webhookManager} onComplete={(result) => show(result.imageUrl)} />,
 *   document.getElementById('banner')!,
 * )
 * ```
 */
export class ProgressBanner extends Component<ProgressBannerProps, ProgressBannerState> {
  #unsubscribe: (() => void) | null = null
  #hideTimer: ReturnType<typeof setTimeout> | undefined = undefined
  #announcedAt = 0

  constructor(props: ProgressBannerProps) {
    super(props)
    this.state = INITIAL
  }

  override componentDidMount(): void {
    this.#subscribe()
  }

  override componentDidUpdate(previous: ProgressBannerProps): void {
    if (previous.taskId === this.props.taskId && previous.webhookManager === this.props.webhookManager) return
    this.#stop()
    this.#announcedAt = 0
    this.setState(INITIAL)
    this.#subscribe()
  }

  override componentWillUnmount(): void {
    this.#stop()
  }

  /** Hides the banner and stops following the task. */
  handleDismiss = (): void => {
    this.#stop()
    this.setState({ isVisible: false })
    this.props.onDismiss?.(this.props.taskId)
  }

  /** A `queued` or `in-progress` event: step, percentage, time left, preview. */
  handleProgressUpdate = (event: QueuedTaskEvent | InProgressTaskEvent): void => {
    const message = describeProgress(event)
    const { percentage } = event.progress
    const changed = event.status !== this.state.status
    const now = Date.now()
    const due = changed || now - this.#announcedAt >= this.#prop('announceIntervalMs')
    if (due) this.#announcedAt = now
    this.setState({
      status: event.status,
      progress: event.progress,
      message,
      percentage,
      eta: event.eta ?? null,
      details: '',
      previewUrl: this.#prop('showPreview') ? (event.preview?.url ?? null) : null,
      ...(due && { announcement: `${percentage}%, ${message}` }),
    })
  }

  /** The `completed` event: 100 %, the result to `onComplete`, then hide after `hideAfterMs`. */
  handleComplete = (event: CompletedTaskEvent): void => {
    this.#stop()
    this.setState({
      status: 'completed',
      progress: event.progress,
      message: event.progress.currentStep,
      percentage: 100,
      eta: null,
      previewUrl: null,
      announcement: 'Generation complete',
    })
    const hideAfterMs = this.#prop('hideAfterMs')
    if (hideAfterMs !== null)
      this.#hideTimer = setTimeout(() => this.setState({ isVisible: false }), hideAfterMs)
    this.props.onComplete?.(event.result, event)
  }

  /** A failure: the error state (a malformed message, `TASK_EVENT_INVALID`, is skipped: the task goes on). */
  handleError = (error: ProgressError, event?: ErrorTaskEvent | CancelledTaskEvent): void => {
    if (error.code === 'TASK_EVENT_INVALID') return
    const cancelled = error.code === 'TASK_CANCELLED'
    const message = cancelled
      ? 'Cancelled'
      : event?.status === 'error'
        ? event.error.message
        : 'Progress unavailable'
    const details =
      event?.status === 'error'
        ? event.error.details
        : cancelled
          ? ''
          : error.message.replace(/^comfy-progress: /, '')
    this.#stop()
    this.setState({
      status: cancelled ? 'cancelled' : 'error',
      message,
      details,
      eta: null,
      previewUrl: null,
      announcement: details ? `${message}: ${details}` : message,
    })
    this.props.onError?.(error, event)
  }

  override render(): ComponentChild {
    const { isVisible, status, message, percentage, eta, details, previewUrl, announcement } = this.state
    if (!isVisible) return null
    const label = this.#prop('label')
    const failed = status === 'error' || status === 'cancelled'
    const timeLeft = status === 'in-progress' ? formatEta(eta) : ''
    const meta = failed ? '' : `${percentage}%${timeLeft && ` · ${timeLeft}`}`
    return (
      <section class="cpb" data-status={status} aria-label={label}>
        <style>{BANNER_STYLES}</style>
        {previewUrl !== null && <img class="cpb-preview" src={previewUrl} alt="Live preview" />}
        <div class="cpb-body">
          <div class="cpb-row">
            <span class="cpb-message">{message}</span>
            <span class="cpb-meta">{meta}</span>
          </div>
          {details && <div class="cpb-details">{details}</div>}
          <div
            class="cpb-track"
            role="progressbar"
            aria-label={label}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percentage}
            aria-valuetext={failed ? `${message}${details && `: ${details}`}` : `${meta}, ${message}`}
          >
            <div class="cpb-fill" style={{ transform: `scaleX(${percentage / 100})` }} />
          </div>
        </div>
        <button
          type="button"
          class="cpb-dismiss"
          aria-label={`Dismiss ${label.toLowerCase()}`}
          onClick={this.handleDismiss}
        >
          ×
        </button>
        <div class="cpb-live" role="status" aria-live="polite">
          {announcement}
        </div>
      </section>
    )
  }

  #subscribe(): void {
    this.#unsubscribe = this.props.webhookManager.subscribe(this.props.taskId, {
      onProgress: this.handleProgressUpdate,
      onComplete: this.handleComplete,
      onError: this.handleError,
    })
  }

  #stop(): void {
    this.#unsubscribe?.()
    this.#unsubscribe = null
    clearTimeout(this.#hideTimer)
  }

  /** A prop, or its default when not given (`hideAfterMs: null` is given: it means "keep"). */
  #prop<TKey extends keyof DefaultedProps>(key: TKey): DefaultedProps[TKey] {
    const value = this.props[key] as DefaultedProps[TKey] | undefined
    return value === undefined ? progressBannerDefaults[key] : value
  }
}
