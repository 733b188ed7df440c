import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ComfyProgressError, parseRecording, type Recording } from '@comfy-progress/core'
import {
  type ComfyUiSim,
  comfyUiSimDefaults,
  type ComfyUiSimOptions,
  type RestartOptions,
} from './ComfyUiSim.js'
import { OutputCache } from './execution/OutputCache.js'
import type { ExecutorContext, RunState } from './execution/PromptExecutor.js'
import { SimulatedExecutor } from './execution/SimulatedExecutor.js'
import { recordedTiming, type TimingModel } from './execution/timingModel.js'
import { Faults } from './faults/Faults.js'
import { statusFrame } from './frames/textFrames.js'
import { handleRequest, handleUpgrade } from './http/handleRequest.js'
import { renderOutputImage } from './images/renderOutputImage.js'
import { Scheduler } from './internal/Scheduler.js'
import { PromptQueue } from './queue/PromptQueue.js'
import { PromptWorker } from './queue/PromptWorker.js'
import { ReplayExecutor } from './replay/ReplayExecutor.js'
import { ReplaySession } from './replay/ReplaySession.js'
import type { SimCore } from './SimCore.js'
import { FileStore } from './storage/FileStore.js'
import { loadCoreObjectInfo } from './validation/ObjectInfo.js'
import { fileValidators } from './validation/fileValidators.js'
import { WsHub } from './ws/WsHub.js'
import { checkOptions, checkSpeed } from './checkOptions.js'

/**
 * Starts a ComfyUI stand-in on loopback: ComfyUI 0.3.64's HTTP API and WebSocket protocol, a real
 * queue that runs one prompt at a time with the recorded frame order, caching, interrupts and
 * errors, timings from the recordings divided by `speed`, fault injection, and a replay mode.
 * Rejects with a `ComfyProgressError` (`SIM_OPTIONS_INVALID`, `SIM_LISTEN_FAILED`,
 * `RECORDING_INVALID`) if it cannot start.
 *
 * @example
 * ```ts
 * import { createComfyUiSim } from '@comfy-progress/comfyui-sim'
 * import WebSocket from 'ws'
 *
 * await using sim = await createComfyUiSim({ speed: 100 })
 * const socket = new WebSocket(`${sim.wsUrl}?clientId=test-client`)
 * socket.on('message', (data, isBinary) => console.log(isBinary ? 'preview' : String(data)))
 * const response = await fetch(`${sim.url}/prompt`, {
 *   method: 'POST',
 *   body: JSON.stringify({ prompt: workflow, client_id: 'test-client' }),
 * })
 * const { prompt_id } = await response.json()
 * const entry = await sim.whenFinished(prompt_id) // the history entry
 * ```
 */
export async function createComfyUiSim(options: ComfyUiSimOptions = {}): Promise<ComfyUiSim> {
  checkOptions(options)
  const recording = await loadRecording(options.recording)
  const host = options.host ?? comfyUiSimDefaults.host
  const maxUploadSize = options.maxUploadSize ?? comfyUiSimDefaults.maxUploadSize
  let speed = options.speed ?? comfyUiSimDefaults.speed
  const now = options.clock ? () => options.clock!.now() : Date.now
  const timing: TimingModel = {
    ...recordedTiming,
    ...options.timing,
    nodeMs: { ...recordedTiming.nodeMs, ...options.timing?.nodeMs },
  }
  const scheduler = new Scheduler(options.clock)
  const faults = new Faults()
  const files = new FileStore()
  files.set(
    { folder: 'input', subfolder: '', name: 'example.png' },
    renderOutputImage({ width: 64, height: 64, seed: 0x2a5f9c }),
  )
  const runState: RunState = { clientId: undefined, lastNodeId: undefined, interrupted: false }
  const queue: PromptQueue = new PromptQueue(() => hub.send(null, statusFrame(queue.remaining)))
  const hub: WsHub = new WsHub({
    scheduler,
    faults,
    maxUploadSize,
    queueRemaining: () => queue.remaining,
    running: () => ({ clientId: runState.clientId, lastNodeId: runState.lastNodeId }),
  })
  const cache = new OutputCache()
  const objectInfo = options.objectInfo ?? loadCoreObjectInfo()
  const executorContext: ExecutorContext = {
    hub,
    files,
    cache,
    objectInfo,
    timing,
    faults,
    scheduler,
    state: runState,
    previews: options.previews ?? comfyUiSimDefaults.previews,
    speed: () => speed,
    now,
  }
  const replay = recording ? new ReplaySession(recording) : undefined
  const simulated = new SimulatedExecutor(executorContext)
  const worker = new PromptWorker({
    queue,
    hub,
    scheduler,
    state: runState,
    executor: (item) => {
      const recorded = replay?.take(item[1])
      return recorded ? new ReplayExecutor(executorContext, recorded) : simulated
    },
    pickupMs: () => timing.pickupMs / speed,
  })
  const core: SimCore = {
    queue,
    worker,
    hub,
    files,
    cache,
    runState,
    objectInfo,
    validators: fileValidators(files),
    faults,
    scheduler,
    maxUploadSize,
    corsHeader: options.corsHeader,
    replay,
  }

  const server = createServer((request, response) => void handleRequest(core, request, response))
  server.on('upgrade', (request, socket, head: Buffer) => handleUpgrade(core, { request, socket, head }))
  const port = await listen(server, options.port ?? comfyUiSimDefaults.port, host)
  const base = `${host.includes(':') ? `[${host}]` : host}:${port}`
  let closed = false

  const stopEverything = async (): Promise<void> => {
    scheduler.cancelAll()
    worker.reset()
    await hub.closeAll()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  const sim: ComfyUiSim = {
    url: `http://${base}`,
    wsUrl: `ws://${base}/ws`,
    port,
    faults,
    get clientIds() {
      return hub.clientIds()
    },
    setSpeed(next) {
      checkSpeed(next)
      speed = next
    },
    pause: () => worker.pause(),
    resume: () => worker.resume(),
    whenIdle: () => worker.whenIdle(),
    whenFinished: (promptId) => worker.whenFinished(promptId),
    async restart(restartOptions: RestartOptions = {}) {
      if (closed)
        throw new ComfyProgressError('SIM_OPTIONS_INVALID', 'comfy-progress: the simulator is closed.')
      await stopEverything()
      queue.reset()
      cache.clear()
      files.clearTemp()
      Object.assign(runState, { clientId: undefined, lastNodeId: undefined, interrupted: false })
      const downtime = restartOptions.downtimeMs ?? 0
      if (downtime > 0) await new Promise((resolve) => setTimeout(resolve, downtime))
      await listen(server, port, host)
    },
    async close() {
      if (closed) return
      closed = true
      await stopEverything()
    },
    [Symbol.asyncDispose]() {
      return sim.close()
    },
  }
  return sim
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (cause: Error): void => {
      reject(
        new ComfyProgressError(
          'SIM_LISTEN_FAILED',
          `comfy-progress: the simulator could not listen on ${host}:${port}.`,
          {
            details: { host, port },
            cause,
          },
        ),
      )
    }
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

async function loadRecording(recording: ComfyUiSimOptions['recording']): Promise<Recording | undefined> {
  if (recording === undefined || typeof recording !== 'string') return recording
  let text: string
  try {
    text = await readFile(recording, 'utf8')
  } catch (cause) {
    throw new ComfyProgressError(
      'SIM_OPTIONS_INVALID',
      `comfy-progress: cannot read the recording ${recording}.`,
      {
        details: { option: 'recording' },
        cause,
      },
    )
  }
  return parseRecording(text)
}
