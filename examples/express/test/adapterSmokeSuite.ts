/**
 * Shared by the Express, Fastify and Hono examples' smoke tests: each example is started as
 * `pnpm start` starts it (its own process, a free port, the built-in simulator); a generation answered
 * at once, followed over SSE to `completed`, its PNG fetched; a bad body refused; the health route.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { EventSource } from 'eventsource'
import { afterAll, beforeAll, expect, it } from 'vitest'

/**
 * The smoke suite every adapter example runs: the three examples must behave the same, so they share
 * one suite. Registers the tests for the example in `exampleDir` (the folder holding its `src/main.ts`).
 */
export function adapterSmokeSuite(exampleDir: URL): void {
  const workflow: unknown = JSON.parse(
    readFileSync(new URL('../../../fixtures/comfyui/workflows/txt2img-basic.json', import.meta.url), 'utf8'),
  )
  let child: ChildProcess
  let url: string

  beforeAll(async () => {
    child = spawn(
      process.execPath,
      ['--conditions=@comfy-progress/source', '--import', 'tsx', 'src/main.ts'],
      {
        cwd: exampleDir,
        env: { ...process.env, PORT: '0', COMFYUI_URL: '' },
      },
    )
    url = await new Promise<string>((resolve, reject) => {
      let output = ''
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const match = /(http:\/\/\S+)\/api\/health/.exec(output)
        if (match) resolve(match[1]!)
      })
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)))
    })
  })

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  })

  interface Event {
    status: string
    progress: { percentage: number; currentStep: string }
    result?: { imageUrl: string }
  }

  /** Follows a task's SSE stream to its terminal event. */
  function followToEnd(progressUrl: string): Promise<Event[]> {
    const events: Event[] = []
    const source = new EventSource(`${url}${progressUrl}`)
    return new Promise((resolve) => {
      for (const name of ['queued', 'in-progress', 'completed', 'error']) {
        source.addEventListener(name, (message) => {
          if (message.data === undefined) return // EventSource's own connection error
          events.push(JSON.parse(message.data) as Event)
          if (name === 'completed' || name === 'error') {
            source.close()
            resolve(events)
          }
        })
      }
    })
  }

  const generate = (body: unknown) =>
    fetch(`${url}/api/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })

  it('generates: 202 with a task id, progress over SSE to completed, then the PNG', async () => {
    const response = await generate({ workflow, prompt: 'a lighthouse at dusk' })
    expect(response.status).toBe(202)
    const { taskId, progressUrl } = (await response.json()) as { taskId: string; progressUrl: string }
    expect(progressUrl).toBe(`/api/progress/${taskId}`)

    const events = await followToEnd(progressUrl)
    expect(events.map((event) => event.progress.currentStep)).toContain('Sampling image...')
    const last = events.at(-1)!
    expect(last).toMatchObject({ status: 'completed', progress: { percentage: 100 } })

    const image = await fetch(`${url}${last.result!.imageUrl}`)
    expect(image.status).toBe(200)
    expect(image.headers.get('content-type')).toBe('image/png')
    expect(
      Buffer.from(await image.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG')
  })

  it('refuses a body without a workflow: 400 BODY_INVALID', async () => {
    const response = await generate({ prompt: 'a lighthouse' })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: { code: 'BODY_INVALID' } })
  })

  it('reports its health: connected to ComfyUI', async () => {
    const response = await fetch(`${url}/api/health`)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ status: 'ok', comfy: { state: 'connected' } })
  })
}
