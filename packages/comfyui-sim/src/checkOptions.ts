import { ComfyProgressError } from '@comfy-progress/core'
import type { ComfyUiSimOptions } from './ComfyUiSim.js'

/**
 * Validation of the simulator's options (they come from code and from the CLI).
 *
 * @module
 */

/** Throws `SIM_OPTIONS_INVALID` for an option of the wrong type or range. */
export function checkOptions(options: ComfyUiSimOptions): void {
  const invalid = (option: string, problem: string): ComfyProgressError =>
    new ComfyProgressError(
      'SIM_OPTIONS_INVALID',
      `comfy-progress: simulator option \`${option}\` ${problem}.`,
      {
        details: { option },
      },
    )
  if (typeof options !== 'object' || options === null) throw invalid('options', 'must be an object')
  if (options.speed !== undefined) checkSpeed(options.speed)
  const port = options.port
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw invalid('port', 'must be an integer from 0 to 65535')
  }
  if (options.host !== undefined && (typeof options.host !== 'string' || options.host === '')) {
    throw invalid('host', 'must be a non-empty string')
  }
  const size = options.maxUploadSize
  if (size !== undefined && (!Number.isFinite(size) || size <= 0))
    throw invalid('maxUploadSize', 'must be a positive number')
  if (
    options.objectInfo !== undefined &&
    (typeof options.objectInfo !== 'object' || options.objectInfo === null)
  ) {
    throw invalid('objectInfo', 'must be an object_info answer')
  }
  const recording = options.recording
  if (
    recording !== undefined &&
    typeof recording !== 'string' &&
    (typeof recording !== 'object' || !Array.isArray(recording?.entries))
  ) {
    throw invalid('recording', 'must be a file path or a parsed recording')
  }
}

/** Throws `SIM_OPTIONS_INVALID` unless `speed` is a positive finite number. */
export function checkSpeed(speed: unknown): void {
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed <= 0) {
    throw new ComfyProgressError(
      'SIM_OPTIONS_INVALID',
      'comfy-progress: simulator option `speed` must be a positive number.',
      {
        details: { option: 'speed' },
      },
    )
  }
}
