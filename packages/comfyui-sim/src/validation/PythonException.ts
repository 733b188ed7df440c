/**
 * A Python exception the ported validator raises where ComfyUI's would (a `KeyError` for a link to
 * a missing node, an `IndexError` for a bad output slot, a `RecursionError` for a cycle).
 *
 * @module
 */

/** A Python exception raised during validation (a `KeyError` for a link to a missing node, …). */
export class PythonException extends Error {
  constructor(
    readonly pythonType: string,
    message: string,
  ) {
    super(message)
  }

  /** `traceback.format_tb`, approximated with the frames ComfyUI's validator goes through. */
  get traceback(): string[] {
    return [
      '  File "/root/comfy-work/ComfyUI/execution.py", line 788, in validate_inputs\n    o_class_type = prompt[o_id][\'class_type\']\n',
    ]
  }
}
