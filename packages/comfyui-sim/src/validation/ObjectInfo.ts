import { CORE_OBJECT_INFO_JSON } from '../data/coreObjectInfo.js'

/**
 * The shape of ComfyUI's `GET /object_info`: one entry per node class, describing its inputs,
 * outputs and whether it is an output node. The simulator validates prompts and plans execution
 * from it, exactly as ComfyUI does from its node classes.
 *
 * @module
 */

/** One input's spec: `[type, options?]`, where `type` is a name (`"INT"`, `"MODEL"`) or a list of allowed values. */
export type ObjectInfoInputSpec = readonly [
  type: string | readonly unknown[],
  options?: Readonly<Record<string, unknown>>,
]

/** One node class's entry in `GET /object_info`. */
export interface ObjectInfoClass {
  readonly input: {
    readonly required?: Readonly<Record<string, ObjectInfoInputSpec>>
    readonly optional?: Readonly<Record<string, ObjectInfoInputSpec>>
    readonly hidden?: Readonly<Record<string, unknown>>
  }
  readonly input_order?: Readonly<Record<string, readonly string[]>>
  /** The return types, one per output slot. */
  readonly output: readonly string[]
  readonly output_is_list?: readonly boolean[]
  readonly output_name?: readonly string[]
  readonly name: string
  readonly display_name?: string | null
  readonly description?: string
  readonly python_module?: string
  readonly category?: string
  /** Whether the class is an output node (an execution target). */
  readonly output_node: boolean
  readonly [key: string]: unknown
}

/** A whole `GET /object_info` answer: class name → entry. */
export type ObjectInfo = Readonly<Record<string, ObjectInfoClass>>

let coreObjectInfo: ObjectInfo | undefined

/** The bundled object_info of ComfyUI 0.3.64's core nodes (parsed once, then shared; never mutate it). */
export function loadCoreObjectInfo(): ObjectInfo {
  coreObjectInfo ??= JSON.parse(CORE_OBJECT_INFO_JSON) as ObjectInfo
  return coreObjectInfo
}

/** An input of a class, found in `required` or `optional`. */
export interface ResolvedInput {
  readonly name: string
  readonly category: 'required' | 'optional'
  readonly spec: ObjectInfoInputSpec
}

/**
 * The declared (required, then optional) inputs of a class, in `input_order` when the class gives
 * one. ComfyUI iterates a Python set here; a fixed order keeps error lists deterministic.
 */
export function listInputs(info: ObjectInfoClass): ResolvedInput[] {
  const inputs: ResolvedInput[] = []
  for (const category of ['required', 'optional'] as const) {
    const specs = info.input[category]
    if (!specs) continue
    const order = info.input_order?.[category] ?? Object.keys(specs)
    const names = [
      ...order.filter((name) => name in specs),
      ...Object.keys(specs).filter((n) => !order.includes(n)),
    ]
    for (const name of names) inputs.push({ name, category, spec: specs[name]! })
  }
  return inputs
}

/** The spec of one input, or `undefined` if the class does not declare it. */
export function findInput(info: ObjectInfoClass, name: string): ObjectInfoInputSpec | undefined {
  return info.input.required?.[name] ?? info.input.optional?.[name]
}
