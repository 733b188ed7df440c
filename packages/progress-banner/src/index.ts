/**
 * `@comfy-progress/progress-banner`: a Preact progress banner for comfy-progress tasks — step name,
 * progress bar, percentage, time left, errors, dismiss — accessible, themeable and SSR-safe; and a
 * small connection indicator. `preact` is a peer dependency.
 *
 * Exports follow the data flow: the banner (⑨), the connection indicator, then the structural source
 * types they read from (a `WebhookManager` fits) and the text helpers.
 *
 * @module
 */

// ⑨ the banner
export { ProgressBanner, progressBannerDefaults } from './ProgressBanner.js'
export type { ProgressBannerProps, ProgressBannerState, BannerStatus } from './ProgressBanner.js'

// the connection indicator
export { ConnectionStatus, connectionStatusLabels } from './ConnectionStatus.js'
export type { ConnectionStatusProps, ConnectionStatusState } from './ConnectionStatus.js'

// what they read from: structural types that WebhookManager satisfies
export type {
  ProgressSource,
  ProgressCallbacks,
  ProgressError,
  ConnectionSource,
  ConnectionSourceInfo,
  ConnectionSourceState,
} from './ProgressSource.js'

// text and styles
export { formatEta } from './formatEta.js'
export { describeProgress } from './describeProgress.js'
export { BANNER_STYLES } from './bannerStyles.js'
