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

  // ② ComfyClient: connection, HTTP API, reconciliation
  /** ComfyUI could not be reached (refused, DNS, network down). `details`: `{method, url}`. */
  COMFY_UNREACHABLE: 'ComfyUI could not be reached. Check that it runs and that the base URL is right.',
  /** A request to ComfyUI took longer than its timeout. `details`: `{method, url, timeoutMs}`. */
  COMFY_TIMEOUT: 'ComfyUI did not answer in time. It may be overloaded; retry, or raise the timeout.',
  /** ComfyUI answered with a non-2xx status. `details`: `{method, url, status, body}` (body truncated). */
  COMFY_HTTP_ERROR: 'ComfyUI answered with an error status.',
  /** ComfyUI's answer is not valid JSON, or lacks the fields ComfyUI documents. `details`: `{method, url}`. */
  COMFY_BAD_RESPONSE: 'ComfyUI answered with a body that is not the JSON it documents.',
  /** `POST /prompt` answered 400: nothing was queued. `details`: ComfyUI's `{error, node_errors}`. */
  COMFY_VALIDATION_FAILED: 'ComfyUI rejected the workflow; see details.node_errors for the failing inputs.',
  /** A followed prompt is in neither the queue nor the history (deleted, or lost in a restart). */
  COMFY_PROMPT_LOST: 'The prompt is no longer known to ComfyUI (deleted, or lost when ComfyUI restarted).',
  /** A WebSocket connection attempt failed or the socket closed. `details`: `{code, reason}` if any. */
  COMFY_CONNECTION_FAILED: 'The WebSocket connection to ComfyUI failed or closed.',
  /** The WebSocket stopped answering pings (or ComfyUI stopped answering probes): a dead peer. */
  COMFY_CONNECTION_STALE: 'The WebSocket connection to ComfyUI stopped responding.',
  /** The circuit breaker is open after repeated failures; attempts pause until `details.retryAt`. */
  COMFY_CIRCUIT_OPEN: 'ComfyUI keeps failing; connection attempts are paused for a cool-down.',
  /** The client was closed; pending submits and followers end with this code. */
  CLIENT_CLOSED: 'The ComfyClient was closed.',
  /** The caller's AbortSignal aborted the request. `cause`: the signal's reason. */
  REQUEST_ABORTED: 'The request was aborted by the caller.',
  /** An option or argument of the client is invalid (e.g. a base URL that is not http(s)). */
  CLIENT_INVALID_OPTIONS: 'An option or argument of the ComfyClient is invalid.',
  /** `submit()` was given a prompt id that this client already tracks. */
  PROMPT_ID_CONFLICT: 'This prompt id is already in use by this client; let the client generate one.',
  /** A listener threw; the client reported it here and went on delivering to the others. */
  CLIENT_LISTENER_FAILED: 'A ComfyClient listener threw an error.',
  /** `globalThis.crypto.getRandomValues` is missing, so no unguessable id can be made. */
  CRYPTO_UNAVAILABLE: 'globalThis.crypto.getRandomValues is not available on this platform.',

  // ③ progress
  /** ComfyUI raised an error while running the prompt (`execution_error`): `error.code` of such task events. */
  COMFY_EXECUTION_FAILED: 'ComfyUI failed while running the prompt.',

  // ④ task events
  /** A value is not a valid task event payload. */
  TASK_EVENT_INVALID: 'The value is not a valid task event.',

  // ⑤–⑦ server: tasks, store, SSE, HTTP routes
  /** No task has this id (never created, or forgotten long ago). `details`: `{taskId}`. */
  TASK_NOT_FOUND: 'No task has this id.',
  /** The task finished and was removed after its time to live. `details`: `{taskId}`. */
  TASK_EXPIRED: 'The task finished and has expired; its events are no longer kept.',
  /** The task already reached a terminal status (completed, error, cancelled) and cannot change. */
  TASK_FINISHED: 'The task has already finished.',
  /** A task with this id already exists in the store. `details`: `{taskId}`. */
  TASK_ID_CONFLICT: 'A task with this id already exists.',
  /** The cap on live (unfinished) tasks is reached. `details`: `{limit}`. Retry later. */
  TOO_MANY_TASKS: 'Too many tasks are running; retry later.',
  /** The cap on SSE subscribers (in total or per task) is reached. `details`: `{limit, scope}`. */
  TOO_MANY_SUBSCRIBERS: 'Too many subscribers; retry later.',
  /** A task id in a path or in the `tasks` query is malformed, or the list is empty. `details`: `{taskId?}`. */
  INVALID_TASK_IDS: 'A task id is malformed, or no task id was given.',
  /** The `tasks` query names more tasks than one stream may follow. `details`: `{limit}`. */
  TOO_MANY_TASK_IDS: 'Too many task ids for one stream.',
  /** `Last-Event-ID` (header or `lastEventId` query) is not a cursor this server issued. `details`: `{cursor}`. */
  INVALID_LAST_EVENT_ID: 'The Last-Event-ID cursor is malformed or ahead of the task.',
  /** An SSE `event` or `id` field contains CR, LF or NUL, or `retry` is not a non-negative integer. */
  SSE_FIELD_INVALID: 'An SSE event name or id contains a line break, or retry is not a whole number.',
  /** An SSE consumer stopped reading for too long (or its queue overflowed) and was disconnected. */
  SSE_CONSUMER_TOO_SLOW: 'The SSE consumer read too slowly and was disconnected.',
  /** The request body exceeds the size limit. `details`: `{limit}`. */
  BODY_TOO_LARGE: 'The request body is too large.',
  /** The request body is not valid JSON (or not `application/json`). */
  BODY_NOT_JSON: 'The request body is not valid JSON.',
  /** The request body is JSON but misses required fields or has fields of the wrong shape. `details`: `{field}`. */
  BODY_INVALID: 'The request body is missing required fields or has fields of the wrong shape.',
  /** No route matches the request path. */
  ROUTE_NOT_FOUND: 'No route matches this path.',
  /** The route exists but not for this HTTP method. `details`: `{allow}`. */
  METHOD_NOT_ALLOWED: 'This route does not accept this HTTP method.',
  /** The task store or event bus could not be reached (e.g. Redis is down). Retry later. */
  STORE_UNAVAILABLE: 'The task store is unavailable; retry later.',
  /** No image at this URL: unknown file, or a signature that does not match. */
  IMAGE_NOT_FOUND: 'No image at this URL.',
  /** The task has no live preview: it has not started sampling, it finished, or previews are off. */
  PREVIEW_NOT_AVAILABLE: 'The task has no live preview right now.',
  /** The TaskManager was closed; it accepts no new tasks. */
  TASK_MANAGER_CLOSED: 'The task manager is closed.',
  /** Several ComfyUI backends, and none is connected with its breaker closed: no task can start. Retry later. */
  COMFY_NO_BACKEND: 'No ComfyUI backend is available right now; retry later.',
  /** An option of the TaskManager is invalid (e.g. no backend, or two with the same id). `details`: `{option}`. */
  TASK_MANAGER_OPTIONS_INVALID: 'An option of the task manager is invalid.',
  /** An unexpected failure inside the server (a bug); the server logs it, clients get no details. */
  INTERNAL_ERROR: 'An unexpected error happened on the server.',

  // ⑥' server: Redis store, bus and task leases (@comfy-progress/server/redis; outages are STORE_UNAVAILABLE)
  /** No ioredis client was passed in the `redis` option (ioredis is an optional peer dependency to install). */
  REDIS_CLIENT_MISSING:
    'Pass an ioredis client in the `redis` option: install the optional peer dependency ioredis and pass new Redis(url).',
  /** An option of RedisTaskStore, RedisEventBus or RedisTaskLeases is invalid. `details`: `{option}`. */
  REDIS_OPTIONS_INVALID: 'An option of the Redis store, bus or leases is invalid.',
  /** A Redis key under the store's prefix holds data the store did not write (another app, another format). `details`: `{key}`. */
  REDIS_DATA_INVALID:
    'A Redis key under the store prefix holds data in an unknown format; use a prefix of its own.',

  // ⑧ browser: @comfy-progress/webhook-manager (reuses TASK_NOT_FOUND, TASK_EXPIRED, INVALID_TASK_IDS, TASK_EVENT_INVALID)
  /** The task was cancelled (removed from the queue or interrupted): the `onError` of a `cancelled` event. */
  TASK_CANCELLED: 'The task was cancelled.',
  /** The progress stream failed or closed; the manager reconnects with backoff. `details`: `{status}` (0: no HTTP answer). */
  STREAM_INTERRUPTED: 'The progress stream was interrupted; reconnecting.',
  /** No `EventSource` exists here (server-side rendering, an old runtime) and none was given in the options. */
  EVENT_SOURCE_UNAVAILABLE:
    'EventSource is not available here; subscribe in the browser or pass one in the options.',

  // ⑦' server: webhooks (signed deliveries to other servers; verifyWebhook for receivers)
  /** A webhook URL is not an absolute `http:`/`https:` URL, carries credentials, or is too long. `details`: `{reason}`. */
  WEBHOOK_URL_INVALID: 'The webhook URL must be an absolute http(s) URL without credentials.',
  /** A webhook URL's host is, or resolves to, an address webhooks may not reach (loopback, private, link-local…) and is not allowlisted. `details`: `{host, address?, range}`. */
  WEBHOOK_URL_FORBIDDEN:
    'The webhook URL points at a loopback, private or otherwise non-public address; allowlist it if that is intended.',
  /** A generate request asked for a per-task webhook, but the app has not enabled per-task webhooks. */
  WEBHOOKS_DISABLED: 'Per-task webhooks are not enabled on this server.',
  /** A webhook endpoint config (the app's, or `webhook` in a generate body) has a field of the wrong shape. `details`: `{field}`. */
  WEBHOOK_CONFIG_INVALID: 'The webhook configuration is missing a field or has a field of the wrong shape.',
  /** A webhook secret is not `whsec_` followed by the base64 of 24 to 64 bytes. */
  WEBHOOK_SECRET_INVALID:
    'The webhook secret must be "whsec_" followed by the base64 of 24 to 64 random bytes.',
  /** A received webhook lacks `webhook-id`, `webhook-timestamp` or `webhook-signature`, or one is malformed. `details`: `{header}`. */
  WEBHOOK_HEADERS_MISSING:
    'The webhook request lacks a webhook-id, webhook-timestamp or webhook-signature header.',
  /** A received webhook's timestamp is too far from now (replayed, or clocks apart). `details`: `{timestamp, now, toleranceSeconds}`. */
  WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE: 'The webhook timestamp is too old or too far in the future.',
  /** No `v1` signature of a received webhook matches its body under any of the given secrets. */
  WEBHOOK_SIGNATURE_INVALID:
    'The webhook signature does not match; check the secret and that the body is the raw bytes.',
  /** A delivery attempt failed: network error, 5xx, 429 or another 4xx. `details`: `{status, reason}` (status `null`: no HTTP answer). */
  WEBHOOK_DELIVERY_FAILED: 'The webhook receiver did not accept the delivery.',
  /** A delivery attempt got no complete answer in time (15 s by default). `details`: `{timeoutMs}`. */
  WEBHOOK_TIMEOUT: 'The webhook receiver did not answer in time.',
  /** The receiver answered with a redirect (3xx); webhooks never follow redirects. `details`: `{status}`. */
  WEBHOOK_REDIRECT_REFUSED:
    'The webhook receiver answered with a redirect, which is not followed; configure the final URL.',
  /** The receiver answered 410 Gone: the endpoint is disabled and its queued events are dropped. */
  WEBHOOK_ENDPOINT_GONE: 'The webhook receiver answered 410 Gone; the endpoint is disabled.',
  /** A webhook endpoint's queue was full and an event was dropped (progress first). `details`: `{limit}`. */
  WEBHOOK_QUEUE_FULL: 'The webhook endpoint has too many undelivered events; an event was dropped.',
  /** The webhook dispatcher was closed; pending deliveries were dropped and no task can be watched. */
  WEBHOOK_DISPATCHER_CLOSED: 'The webhook dispatcher is closed.',

  // recordings
  /** A recording (fixtures/comfyui format) has a malformed line. */
  RECORDING_INVALID: 'A recording line is malformed.',

  // simulator (@comfy-progress/comfyui-sim)
  /** An option of `createComfyUiSim`, a control call or a CLI argument is invalid. `details`: `{option}`. */
  SIM_OPTIONS_INVALID: 'An option of the ComfyUI simulator is invalid.',
  /** The simulator could not listen on the requested host and port (in use, not permitted). `details`: `{host, port}`. */
  SIM_LISTEN_FAILED: 'The ComfyUI simulator could not listen on the requested port.',
  /** The recorder could not capture a run (target unreachable, workflow rejected, no end in time). `details`: `{stage}`. */
  SIM_RECORD_FAILED: 'Recording a ComfyUI run failed.',
} as const satisfies Record<string, string>

/** A string-literal code identifying one kind of failure. See {@link errorCodes} for the meaning of each. */
export type ComfyProgressErrorCode = keyof typeof errorCodes
