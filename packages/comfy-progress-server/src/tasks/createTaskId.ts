import { randomBytes } from 'node:crypto'

/** Random bytes in a task id: 16 bytes = 128 bits, the floor ARCHITECTURE.md sets for unguessable ids. */
const TASK_ID_BYTES = 16

/** 22 characters of base64url: exactly what 16 bytes encode to, without padding. */
const TASK_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/

/**
 * A new task id: 128 bits from the operating system's CSPRNG, as 22 URL-safe characters (base64url,
 * no padding). Knowing a task id is the capability to watch the task, so ids are never derived from
 * time, counters or `Math.random`.
 *
 * @example
 * ```ts
 * const taskId = createTaskId() // 'mB3kV0c6TnS8yq1Zp4W2xA'
 * isTaskId(taskId) // true
 * ```
 */
export function createTaskId(): string {
  return randomBytes(TASK_ID_BYTES).toString('base64url')
}

/**
 * Whether `value` has the shape of an id made by {@link createTaskId}: 22 base64url characters. Every
 * id that arrives from outside (a path, a query, a cursor) passes through here before any lookup.
 */
export function isTaskId(value: unknown): value is string {
  return typeof value === 'string' && TASK_ID_PATTERN.test(value)
}
