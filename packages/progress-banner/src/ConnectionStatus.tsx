import { Component, type ComponentChild } from 'preact'
import { BANNER_STYLES } from './bannerStyles.js'
import type { ConnectionSource, ConnectionSourceInfo, ConnectionSourceState } from './ProgressSource.js'

/** The default words of {@link ConnectionStatus} for each state (`idle` shows nothing). */
export const connectionStatusLabels = Object.freeze({
  connecting: 'Connecting...',
  connected: 'Live',
  reconnecting: 'Reconnecting...',
  'given-up': 'Disconnected',
})

/** Props of {@link ConnectionStatus}. */
export interface ConnectionStatusProps {
  /** The manager whose stream to show: a `WebhookManager` or any {@link ConnectionSource}. */
  readonly source: ConnectionSource
  /**
   * Words for each state, e.g. to translate them.
   * @default connectionStatusLabels
   */
  readonly labels?: Partial<Record<Exclude<ConnectionSourceState, 'idle'>, string>>
}

/** State of {@link ConnectionStatus}: the latest connection state of the source. */
export interface ConnectionStatusState {
  readonly info: ConnectionSourceInfo
}

/**
 * A small indicator of the progress stream's connection: a coloured dot and a word (Live,
 * Reconnecting..., Disconnected), announced politely when it changes; nothing while idle. Fed by the
 * manager's `state` event.
 *
 * @example
 * ```tsx
 * <ConnectionStatus source={webhookManager} />
 * ```
 */
export class ConnectionStatus extends Component<ConnectionStatusProps, ConnectionStatusState> {
  #off: (() => void) | null = null

  constructor(props: ConnectionStatusProps) {
    super(props)
    this.state = { info: props.source.connection }
  }

  override componentDidMount(): void {
    this.#listen()
  }

  override componentDidUpdate(previous: ConnectionStatusProps): void {
    if (previous.source === this.props.source) return
    this.#off?.()
    this.#listen()
  }

  override componentWillUnmount(): void {
    this.#off?.()
  }

  override render(): ComponentChild {
    const { state } = this.state.info
    return (
      <span class="cpb-conn" data-state={state} role="status" aria-live="polite">
        <style>{BANNER_STYLES}</style>
        {state === 'idle' ? '' : (this.props.labels?.[state] ?? connectionStatusLabels[state])}
      </span>
    )
  }

  #listen(): void {
    this.#off = this.props.source.on('state', (info) => this.setState({ info }))
    this.setState({ info: this.props.source.connection })
  }
}
