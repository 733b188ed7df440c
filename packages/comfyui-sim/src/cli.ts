import { readFile, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { ComfyProgressError, isComfyProgressError } from '@comfy-progress/core'
import { createComfyUiSim } from './createComfyUiSim.js'
import { recordComfyUiRun } from './record/recordComfyUiRun.js'
import type { ApiPrompt } from './validation/ApiPrompt.js'
import type { ObjectInfo } from './validation/ObjectInfo.js'

/**
 * The `comfyui-sim` command:
 *
 * - `comfyui-sim [serve] [--port 8188] [--host 127.0.0.1] [--speed 1] [--recording run.jsonl]
 *   [--object-info object_info.json] [--no-previews] [--cors-header '*']` runs a simulator until
 *   SIGINT/SIGTERM;
 * - `comfyui-sim record --target http://127.0.0.1:8188 --workflow wf.json [--workflow …]
 *   --out run.jsonl [--client-id id] [--feature-flags] [--timeout ms]` records a run.
 *
 * @module
 */

/** Where the CLI writes, and what stops `serve` (for tests; the bin passes the process). */
export interface CliIo {
  readonly stdout: { write(text: string): unknown }
  readonly stderr: { write(text: string): unknown }
  /** Stops `serve`. @default SIGINT or SIGTERM */
  readonly signal?: AbortSignal
}

const USAGE = `Usage:
  comfyui-sim [serve] [--port 8188] [--host 127.0.0.1] [--speed 1] [--recording run.jsonl]
                      [--object-info object_info.json] [--no-previews] [--cors-header '*']
  comfyui-sim record --target http://127.0.0.1:8188 --workflow wf.json [--workflow wf2.json]
                     --out run.jsonl [--client-id id] [--feature-flags] [--timeout ms]
`

/**
 * Runs the CLI with `argv` (without `node` and the script) and resolves with the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2))
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo = process): Promise<number> {
  const [first, ...rest] = argv
  const command = first === 'record' || first === 'serve' ? first : 'serve'
  const args = command === first ? rest : [...argv]
  try {
    if (args.includes('--help') || args.includes('-h')) {
      io.stdout.write(USAGE)
      return 0
    }
    return command === 'record' ? await record(args, io) : await serve(args, io)
  } catch (error) {
    io.stderr.write(`${isComfyProgressError(error) ? error.message : String(error)}\n`)
    if (isComfyProgressError(error, 'SIM_OPTIONS_INVALID')) io.stderr.write(USAGE)
    return 1
  }
}

async function serve(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(args, {
    port: { type: 'string', default: '8188' },
    host: { type: 'string', default: '127.0.0.1' },
    speed: { type: 'string', default: '1' },
    recording: { type: 'string' },
    'object-info': { type: 'string' },
    'no-previews': { type: 'boolean', default: false },
    'cors-header': { type: 'string' },
  })
  const objectInfoPath = values['object-info'] as string | undefined
  const sim = await createComfyUiSim({
    port: number(values.port as string, 'port'),
    host: values.host as string,
    speed: number(values.speed as string, 'speed'),
    previews: !values['no-previews'],
    ...(values.recording ? { recording: values.recording as string } : {}),
    ...(objectInfoPath
      ? { objectInfo: JSON.parse(await readFile(objectInfoPath, 'utf8')) as ObjectInfo }
      : {}),
    ...(values['cors-header'] ? { corsHeader: values['cors-header'] as string } : {}),
  })
  io.stdout.write(`comfyui-sim listening on ${sim.url} (WebSocket ${sim.wsUrl})\n`)
  await new Promise<void>((resolve) => {
    if (io.signal) {
      if (io.signal.aborted) resolve()
      else io.signal.addEventListener('abort', () => resolve(), { once: true })
      return
    }
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  await sim.close()
  return 0
}

async function record(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(args, {
    target: { type: 'string' },
    workflow: { type: 'string', multiple: true },
    out: { type: 'string' },
    'client-id': { type: 'string' },
    'feature-flags': { type: 'boolean', default: false },
    timeout: { type: 'string' },
  })
  const target = values.target as string | undefined
  const out = values.out as string | undefined
  const workflows = (values.workflow as string[] | undefined) ?? []
  if (!target || !out || workflows.length === 0)
    throw invalid('record', 'needs --target, --workflow and --out')
  const loaded = await Promise.all(
    workflows.map(async (path) => ({
      name: path.split('/').at(-1)!,
      prompt: JSON.parse(await readFile(path, 'utf8')) as ApiPrompt,
    })),
  )
  const run = await recordComfyUiRun({
    target,
    workflows: loaded,
    ...(values['client-id'] ? { clientId: values['client-id'] as string } : {}),
    ...(values['feature-flags'] ? { featureFlags: { supports_preview_metadata: true } } : {}),
    ...(values.timeout ? { timeoutMs: number(values.timeout as string, 'timeout') } : {}),
  })
  await writeFile(out, run.text)
  const frames = run.recording.entries.filter(
    (e) => e.ch === 'ws' && (e.kind === 'text' || e.kind === 'binary'),
  ).length
  io.stdout.write(
    `recorded ${frames} frames of ${run.recording.meta.prompt_ids?.length ?? 0} prompt(s) to ${out}\n`,
  )
  return 0
}

type Spec = NonNullable<Parameters<typeof parseArgs>[0]>['options']

function parse(args: readonly string[], options: Spec): { values: Record<string, unknown> } {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false })
  } catch (cause) {
    throw invalid('arguments', cause instanceof Error ? cause.message : String(cause))
  }
}

function number(text: string, option: string): number {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value)) throw invalid(option, `must be a number, not "${text}"`)
  return value
}

function invalid(option: string, problem: string): ComfyProgressError {
  return new ComfyProgressError('SIM_OPTIONS_INVALID', `comfy-progress: comfyui-sim ${option} ${problem}.`, {
    details: { option },
  })
}
