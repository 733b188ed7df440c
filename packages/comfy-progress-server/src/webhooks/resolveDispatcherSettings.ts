import { ComfyProgressError } from '@comfy-progress/core'
import { webhookDispatcherDefaults, type WebhookDispatcherOptions } from './WebhookDispatcherOptions.js'

/** The numeric and header options of a dispatcher, checked, with their defaults. */
export interface DispatcherSettings {
  readonly timeoutMs: number
  readonly throttleMs: number
  readonly maxQueuedEvents: number
  readonly concurrency: number
  readonly maxTrackedTasks: number
  readonly userAgent: string
}

type NumericOption = Exclude<keyof DispatcherSettings, 'userAgent'>

const NUMERIC: readonly NumericOption[] = [
  'timeoutMs',
  'throttleMs',
  'maxQueuedEvents',
  'concurrency',
  'maxTrackedTasks',
]

/**
 * The settings of a dispatcher: each numeric option a whole number ≥ 1 (≥ 0 for `throttleMs`), the
 * user agent printable ASCII without line breaks; an option left `undefined` takes its default.
 * Throws `WEBHOOK_CONFIG_INVALID` naming the option.
 */
export function resolveDispatcherSettings(options: WebhookDispatcherOptions): DispatcherSettings {
  const settings: Record<string, number | string> = { ...webhookDispatcherDefaults }
  for (const field of NUMERIC) {
    const value = options[field]
    if (value === undefined) continue
    if (!Number.isSafeInteger(value) || value < (field === 'throttleMs' ? 0 : 1)) throw invalid(field)
    settings[field] = value
  }
  const userAgent: unknown = options.userAgent
  if (userAgent !== undefined) {
    if (typeof userAgent !== 'string' || !/^[\x20-\x7e]{1,256}$/.test(userAgent)) throw invalid('userAgent')
    settings.userAgent = userAgent
  }
  return settings as unknown as DispatcherSettings
}

function invalid(field: string): ComfyProgressError {
  return new ComfyProgressError('WEBHOOK_CONFIG_INVALID', undefined, { details: { field } })
}
