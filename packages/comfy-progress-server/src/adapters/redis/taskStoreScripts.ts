import { defineRedisScript } from './runRedisScript.js'

/**
 * The Lua scripts of `RedisTaskStore`. Each runs atomically on Redis, so a task is never seen half
 * written: the sequence number, the latest state, the log entry and the expiry of a task change
 * together or not at all. Every script answers a table whose first element is `'ok'` or an error
 * code of the table in core (`TASK_NOT_FOUND`, `TASK_EXPIRED`, …).
 *
 * Conventions: `KEYS[1]` is the task hash and `KEYS[2]` its `gone` key in every per-task script;
 * `ARGV[1]` is the store's clock (ms) and `ARGV[2]` how long an expired id is remembered (ms). Numbers
 * are computed by the caller and passed as strings, so Lua never formats a float.
 */

/** Loads the task or answers why it cannot: the first lines of every per-task script. */
const REQUIRE_TASK = `
local now = tonumber(ARGV[1])
local state = redis.call('HMGET', KEYS[1], 'createdAt', 'expiresAt', 'finishedAt', 'status', 'seq', 'appendId')
if not state[1] then
  local gone = redis.call('GET', KEYS[2])
  if gone and now < tonumber(gone) + tonumber(ARGV[2]) then return {'TASK_EXPIRED'} end
  return {'TASK_NOT_FOUND'}
end
if state[2] and tonumber(state[2]) <= now then return {'TASK_EXPIRED'} end
`

/**
 * KEYS: task, gone, live, finished. ARGV: now, expiredMemoryMs, taskId, maxLiveTasks, liveDeadline,
 * liveTaskTtlMs, then metadata field/value pairs.
 */
export const createScript = defineRedisScript(
  `
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return {'TASK_ID_CONFLICT'} end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[4]) then return {'TOO_MANY_TASKS'} end
redis.call('HSET', KEYS[1], 'createdAt', ARGV[1], 'seq', '0', 'previews', '0')
for i = 7, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[3])
return {'ok'}
`,
)

/**
 * KEYS: task, gone, log, marks, preview, live, finished. ARGV: now, expiredMemoryMs, taskId,
 * eventJson, status, terminal ('1' or '0'), appendId, maxEventsPerTask, taskTtlMs, expiresAt,
 * goneTtlMs, liveDeadline, liveTaskTtlMs.
 *
 * `appendId` makes a retried append (the client resent it after a lost reply) a no-op that answers the
 * first append's sequence number. The log is a stream whose entry ids are the sequence numbers; an
 * event that changes the status also goes to the `marks` stream, which the log's bound never trims.
 */
export const appendScript = defineRedisScript(
  `${REQUIRE_TASK}
if state[6] == ARGV[7] then return {'ok', tonumber(state[5])} end
if state[3] then return {'TASK_FINISHED'} end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local id = seq .. '-0'
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[8], id, 'e', ARGV[4])
if state[4] ~= ARGV[5] then redis.call('XADD', KEYS[4], 'MAXLEN', '64', id, 'e', ARGV[4]) end
redis.call('HSET', KEYS[1], 'latest', ARGV[4], 'status', ARGV[5], 'appendId', ARGV[7])
if ARGV[6] == '1' then
  redis.call('HSET', KEYS[1], 'finishedAt', ARGV[1], 'expiresAt', ARGV[10])
  redis.call('DEL', KEYS[5])
  redis.call('ZREM', KEYS[6], ARGV[3])
  redis.call('ZADD', KEYS[7], ARGV[10], ARGV[3])
  redis.call('SET', KEYS[2], ARGV[10], 'PX', ARGV[11])
  for i = 1, 4 do if i ~= 2 then redis.call('PEXPIRE', KEYS[i], ARGV[9]) end end
else
  redis.call('ZADD', KEYS[6], ARGV[12], ARGV[3])
  for i = 1, 4 do if i ~= 2 then redis.call('PEXPIRE', KEYS[i], ARGV[13]) end end
end
return {'ok', seq}
`,
)

/** KEYS: task, gone. ARGV: now, expiredMemoryMs, then metadata field/value pairs. Answers the new hash. */
export const updateMetadataScript = defineRedisScript(
  `${REQUIRE_TASK}
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return {'ok', redis.call('HGETALL', KEYS[1])}
`,
)

/** KEYS: task, gone, preview. ARGV: now, expiredMemoryMs, bytes, mimeType, liveTaskTtlMs. */
export const putPreviewScript = defineRedisScript(
  `${REQUIRE_TASK}
if state[3] then return {'ok', tonumber(redis.call('HGET', KEYS[1], 'previews'))} end
local version = redis.call('HINCRBY', KEYS[1], 'previews', 1)
redis.call('HSET', KEYS[3], 'bytes', ARGV[3], 'mime', ARGV[4], 'version', version)
redis.call('PEXPIRE', KEYS[3], ARGV[5])
return {'ok', version}
`,
)

/** KEYS: task, gone, log, marks. ARGV: now, expiredMemoryMs, first stream id. */
export const eventsAfterScript = defineRedisScript(
  `${REQUIRE_TASK}
return {'ok', redis.call('XRANGE', KEYS[3], ARGV[3], '+'), redis.call('XRANGE', KEYS[4], ARGV[3], '+')}
`,
)

/** KEYS: live, finished. ARGV: now. Forgets what is due, then counts. */
export const countScript = defineRedisScript(
  `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
return {'ok', redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2])}
`,
)
