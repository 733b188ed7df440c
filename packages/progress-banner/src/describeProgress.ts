import type { InProgressTaskEvent, QueuedTaskEvent } from '@comfy-progress/core'

/**
 * The banner's main line for a progress event: the step name the server computed
 * (`Sampling image...`), with the node's counter when it counts steps (`12/20`), or the place in the
 * queue while waiting.
 *
 * @example
 * ```ts
 * describeProgress(event) // 'Sampling image... 12/20'
 * ```
 */
export function describeProgress(event: QueuedTaskEvent | InProgressTaskEvent): string {
  const { currentStep, currentValue, maxValue } = event.progress
  if (event.status === 'queued') {
    return event.queuePosition ? `${currentStep} (${event.queuePosition} ahead)` : currentStep
  }
  return maxValue > 1 ? `${currentStep} ${currentValue}/${maxValue}` : currentStep
}
