import type { ComfyObjectInfo } from './ComfyWorkflow.js'
import { NODE_STEP_NAMES } from './nodeStepNames.js'

/** Options of {@link describeNode}. */
export interface DescribeNodeOptions {
  /**
   * The title the user gave the node in the editor (`_meta.title` of the API-format workflow).
   * @default null
   */
  readonly title?: string | null
  /**
   * The server's `GET /object_info`, for the editor's display names.
   * @default null
   */
  readonly objectInfo?: ComfyObjectInfo | null
  /**
   * Step names by class type, tried first.
   * @default NODE_STEP_NAMES
   */
  readonly stepNames?: Readonly<Record<string, string>>
}

/**
 * A human name for what a node is doing, for the progress banner's `currentStep`. Tries, in order:
 * the step-name table (`KSampler` → "Sampling image..."), the node's editor title, the class's
 * `display_name` from object_info, and finally the class type itself.
 *
 * @example
 * ```ts
 * describeNode('KSampler') // 'Sampling image...'
 * describeNode('ImageInvert', { title: 'Invert colours' }) // 'Invert colours'
 * describeNode('ImageInvert', { objectInfo }) // 'Invert Image'
 * describeNode('MyCustomNode') // 'MyCustomNode'
 * ```
 */
export function describeNode(classType: string, options: DescribeNodeOptions = {}): string {
  const stepNames = options.stepNames ?? NODE_STEP_NAMES
  const named = Object.hasOwn(stepNames, classType) ? stepNames[classType] : undefined
  if (typeof named === 'string' && named !== '') return named
  const title = options.title?.trim()
  if (title) return title
  const info =
    options.objectInfo && Object.hasOwn(options.objectInfo, classType)
      ? options.objectInfo[classType]
      : undefined
  const displayName = typeof info?.display_name === 'string' ? info.display_name.trim() : ''
  if (displayName) return displayName
  return classType
}
