import { defineRedisScript } from './runRedisScript.js'

/**
 * The Lua scripts of `RedisTaskLeases`. Leases run on Redis's clock (`TIME`), so instances whose
 * clocks disagree still agree on who owns what. A lease is the task's `owner` key (the instance id,
 * with `PX` = the lease's time to live); the `leases` sorted set scores each leased task by when its
 * lease runs out, so that a scan finds the tasks of dead instances without reading every key.
 */

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`

/** KEYS: owner, handoff, leases. ARGV: instanceId, leaseTtlMs, handoffJson, handoffTtlMs, taskId. */
export const claimScript = defineRedisScript(
  `${NOW}
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] then return {'taken'} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), ARGV[5])
return {'ok'}
`,
)

/**
 * KEYS: leases, then owner, task, handoff for each task. ARGV: instanceId, leaseTtlMs, then a task id
 * and a hold flag (`1`: the task ended on this instance, whose webhook deliveries for it have not
 * settled yet) per task. Answers one word per task: `ok` (renewed, or taken back if it ran out and
 * nobody took it; a held ended task too), `lost` (another instance owns it), `ended` (the task
 * finished elsewhere: the lease is renewed, the owner settles its webhooks and then releases it) or
 * `gone` (the task expired or was deleted: the lease is dropped).
 */
export const renewScript = defineRedisScript(
  `${NOW}
local results = {}
for i = 3, #ARGV, 2 do
  local base = (i - 3) / 2 * 3 + 1
  local owner, task, handoff, taskId = KEYS[base + 1], KEYS[base + 2], KEYS[base + 3], ARGV[i]
  local current = redis.call('GET', owner)
  if current and current ~= ARGV[1] then
    results[#results + 1] = 'lost'
  elseif redis.call('EXISTS', task) == 0 then
    if current then redis.call('DEL', owner) end
    redis.call('DEL', handoff)
    redis.call('ZREM', KEYS[1], taskId)
    results[#results + 1] = 'gone'
  else
    redis.call('SET', owner, ARGV[1], 'PX', ARGV[2])
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), taskId)
    if ARGV[i + 1] ~= '1' and redis.call('HEXISTS', task, 'finishedAt') == 1 then
      results[#results + 1] = 'ended'
    else
      results[#results + 1] = 'ok'
    end
  end
end
return results
`,
)

/** KEYS: leases. ARGV: limit, graceMs. The ids of tasks whose lease ran out at least `graceMs` ago. */
export const expiredLeasesScript = defineRedisScript(
  `${NOW}
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]), 'LIMIT', 0, tonumber(ARGV[1]))
`,
)

/**
 * KEYS: owner, task, handoff, leases. ARGV: instanceId, leaseTtlMs, taskId. Takes over a task whose
 * lease ran out: answers `{'ok', handoffJson, 'running'}`, `{'ok', handoffJson, 'ended'}` (the task
 * ended but its owner died before its webhook deliveries settled: the new owner delivers the terminal
 * event again), `{'owned'}` (someone holds it) or `{'gone'}` (expired, deleted or released).
 */
export const takeOverScript = defineRedisScript(
  `${NOW}
local current = redis.call('GET', KEYS[1])
if current then
  redis.call('ZADD', KEYS[4], now + math.max(0, redis.call('PTTL', KEYS[1])), ARGV[3])
  return {'owned'}
end
local handoff = redis.call('GET', KEYS[3])
if not handoff or redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[3])
  redis.call('ZREM', KEYS[4], ARGV[3])
  return {'gone'}
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[4], now + tonumber(ARGV[2]), ARGV[3])
local state = 'running'
if redis.call('HEXISTS', KEYS[2], 'finishedAt') == 1 then state = 'ended' end
return {'ok', handoff, state}
`,
)

/**
 * KEYS: owner, handoff, leases. ARGV: instanceId, taskId, mode. Drops the lease if this instance holds
 * it: mode `ended` forgets the task's lease entirely; mode `handover` leaves the handoff and marks the
 * lease as long expired, so that the next scan of any instance takes the task over.
 */
export const releaseScript = defineRedisScript(
  `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {'not-owner'} end
redis.call('DEL', KEYS[1])
if ARGV[3] == 'handover' then
  redis.call('ZADD', KEYS[3], 0, ARGV[2])
else
  redis.call('DEL', KEYS[2])
  redis.call('ZREM', KEYS[3], ARGV[2])
end
return {'ok'}
`,
)
