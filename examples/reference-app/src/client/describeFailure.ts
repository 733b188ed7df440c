/** A failure as the page shows it: a short title and a sentence that says what to do. */
export interface FailureText {
  readonly title: string
  readonly message: string
}

/** The code the page uses when the app server itself did not answer. */
export const NETWORK_FAILURE = 'NETWORK_FAILURE'

const UNREACHABLE: FailureText = {
  title: 'ComfyUI is not reachable',
  message: 'Make sure ComfyUI is running and the server can reach it, then try again.',
}

const TEXTS: Readonly<Record<string, FailureText>> = {
  [NETWORK_FAILURE]: {
    title: 'The app server does not answer',
    message: 'Check that it is still running (pnpm start), then try again.',
  },
  COMFY_UNREACHABLE: UNREACHABLE,
  COMFY_TIMEOUT: UNREACHABLE,
  COMFY_CIRCUIT_OPEN: {
    title: 'ComfyUI keeps failing',
    message: 'The server pauses for a minute before it tries ComfyUI again.',
  },
  COMFY_PROMPT_LOST: {
    title: 'ComfyUI restarted',
    message: 'This image was lost with it. Generate it again.',
  },
  TOO_MANY_TASKS: {
    title: 'Too many images in progress',
    message: 'Wait for one to finish, then try again.',
  },
  BODY_TOO_LARGE: {
    title: 'That image is too large',
    message: 'Choose a smaller image.',
  },
  TASK_NOT_FOUND: {
    title: 'Lost track of this image',
    message: 'The server no longer knows it; it may have restarted.',
  },
  TASK_EXPIRED: {
    title: 'Lost track of this image',
    message: 'It finished too long ago.',
  },
}

/**
 * Words for a failure, from its code (`COMFY_UNREACHABLE`, `BODY_INVALID`, …) and the message the
 * server sent. The server's own message is kept where it already speaks to a person: form checks
 * (`BODY_INVALID`) and what ComfyUI said about a workflow it rejected or failed to run.
 *
 * @example
 * ```ts
 * describeFailure('COMFY_UNREACHABLE', 'comfy-progress: …').title // 'ComfyUI is not reachable'
 * ```
 */
export function describeFailure(code: string | undefined, message: string, details = ''): FailureText {
  const known = code === undefined ? undefined : TEXTS[code]
  if (known !== undefined) return known
  const said = message.replace(/^comfy-progress: /, '')
  switch (code) {
    case 'BODY_INVALID':
      return { title: 'Check the form', message: said }
    case 'COMFY_VALIDATION_FAILED':
      return {
        title: 'ComfyUI rejected the workflow',
        message: /ckpt_name/.test(details)
          ? `${details} Set CHECKPOINT to a checkpoint ComfyUI has, and restart the app.`
          : details || said,
      }
    case 'COMFY_EXECUTION_FAILED':
      return { title: 'ComfyUI failed while generating', message: details || said }
    case 'TASK_CANCELLED':
      return { title: 'Cancelled', message: 'The generation was stopped.' }
    default:
      return { title: 'Something went wrong', message: details || said }
  }
}
