/**
 * Clean shutdown: close() rejects pending work with CLIENT_CLOSED and leaves nothing behind, proven by
 * a child process that must exit on its own after closing its client.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createComfyUiSim } from '@comfy-progress/comfyui-sim'
import { afterEach, expect, it } from 'vitest'
import { ComfyClient } from '../../src/client/ComfyClient.js'
import type { PromptEvent } from '../../src/client/PromptEvent.js'
import { until } from './support/manualTimers.js'
import { startServer } from './support/servers.js'

const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
})

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const CHILD = fileURLToPath(new URL('./support/shutdownChild.ts', import.meta.url))

it('rejects a pending submit and ends followers with CLIENT_CLOSED', async () => {
  const server = await startServer()
  cleanup.push(() => server.close())
  server.route('POST', '/prompt', () => undefined) // never answers
  const client = new ComfyClient({ baseUrl: server.baseUrl })
  await client.connect()
  const events: PromptEvent[] = []
  const pending = client.submit({}, { listener: (e) => events.push(e) }).catch((error: unknown) => error)
  const followed: PromptEvent[] = []
  client.follow('some-prompt', (e) => followed.push(e))
  await until(() => server.requests.some((r) => r.url === '/prompt'))
  await client.close()
  expect(await pending).toMatchObject({ code: 'CLIENT_CLOSED' })
  expect(events).toEqual([]) // a submit that never got accepted has no end
  expect(followed).toEqual([
    {
      type: 'end',
      promptId: 'some-prompt',
      outcome: { status: 'abandoned', error: expect.objectContaining({ code: 'CLIENT_CLOSED' }) },
    },
  ])
  const late: PromptEvent[] = []
  client.follow('other', (e) => late.push(e))
  expect(late).toMatchObject([
    { type: 'end', outcome: { status: 'abandoned', error: { code: 'CLIENT_CLOSED' } } },
  ])
})

it('lets the process exit on its own after close(): no timer, socket or request left behind', async () => {
  const sim = await createComfyUiSim({ speed: 5 })
  cleanup.push(() => sim.close())
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, sim.url], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const watchdog = setTimeout(() => child.kill('SIGKILL'), 30_000)
  cleanup.push(async () => {
    clearTimeout(watchdog)
    if (child.exitCode === null) child.kill('SIGKILL')
    await exit
  })
  await until(
    () => stdout.includes('"closed"') || child.exitCode !== null,
    25_000,
    'the child to close its client',
  )
  const closedAt = Date.now()
  const code = await exit
  const exitedAfterMs = Date.now() - closedAt
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
  const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as { second: string; resources: string[] }
  expect(report.second).toBe('CLIENT_CLOSED')
  // Right after close(), only the child's own stdio pipes may still be active: no Timeout, no TCP socket.
  expect(report.resources.filter((r) => r !== 'PipeWrap' && r !== 'TTYWrap')).toEqual([])
  expect(exitedAfterMs).toBeLessThan(5000)
})
