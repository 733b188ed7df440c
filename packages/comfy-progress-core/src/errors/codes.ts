/**
 * The single table of error codes of comfy-progress. Each code maps to a one-line meaning; the
 * server maps codes to HTTP statuses in one place (`http/statusForError.ts`). Tests for bad input
 * assert the code, never the message text.
 *
 * Add a code here, with its meaning, before throwing or returning it anywhere.
 *
 * @module
 */
export const errorCodes = {
  // ① parsing ComfyUI frames
  /** The frame is neither a string, an `ArrayBuffer` nor a `Uint8Array`. */
  MESSAGE_UNSUPPORTED_INPUT: 'The frame is not a string, ArrayBuffer or Uint8Array.',
  /** A text frame is not valid JSON. */
  MESSAGE_NOT_JSON: 'A text frame is not valid JSON.',
  /** A text frame is JSON but not a `{type, data}` object, or a known type has fields of the wrong shape. */
  MESSAGE_INVALID_SHAPE: 'A text frame does not have the shape ComfyUI documents for its type.',
  /** A binary frame is shorter than its header says. */
  BINARY_FRAME_TRUNCATED: 'A binary frame is shorter than its header says.',
  /** A binary frame's embedded JSON or text is malformed. */
  BINARY_FRAME_INVALID: 'A binary frame carries malformed metadata or text.',

  // ④ task events
  /** A value is not a valid task event payload. */
  TASK_EVENT_INVALID: 'The value is not a valid task event.',

  // recordings
  /** A recording (fixtures/comfyui format) has a malformed line. */
  RECORDING_INVALID: 'A recording line is malformed.',
} as const satisfies Record<string, string>

/** A string-literal code identifying one kind of failure. See {@link errorCodes} for the meaning of each. */
export type ComfyProgressErrorCode = keyof typeof errorCodes
