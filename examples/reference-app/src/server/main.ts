/**
 * `pnpm start`: the reference app, configured from the environment.
 *
 * - `PORT` (3000), `HOST` (127.0.0.1; `0.0.0.0` opens it to your network)
 * - `COMFYUI_URL`: a real ComfyUI, e.g. `http://127.0.0.1:8188`; unset, the built-in simulator runs
 * - `CHECKPOINT` (`v1-5-pruned-emaonly.safetensors`): the SD1.5 checkpoint the workflows load
 * - `SIM_SPEED` (0.35): the simulator's speed factor
 *
 * @module
 */
import { referenceAppDefaults, startApp } from './startApp.js'

const env = process.env
const port = env.PORT === undefined || env.PORT === '' ? referenceAppDefaults.port : Number(env.PORT)
const speed = env.SIM_SPEED ? Number(env.SIM_SPEED) : referenceAppDefaults.simulatorSpeed
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`PORT must be a port number, not "${env.PORT}".`)
if (!(speed > 0)) fail(`SIM_SPEED must be a positive number, not "${env.SIM_SPEED}".`)

const app = await startApp({
  port,
  ...(env.HOST && { host: env.HOST }),
  ...(env.COMFYUI_URL && { comfyUrl: env.COMFYUI_URL }),
  ...(env.CHECKPOINT && { checkpoint: env.CHECKPOINT }),
  simulatorSpeed: speed,
}).catch((error: unknown) => {
  const busy = (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
  return fail(busy ? `Port ${port} is in use. Start with another: PORT=3001 pnpm start` : String(error))
})

console.log(`\n  comfy-progress reference app\n\n  ➜  ${app.url}\n`)
if (app.backend === 'simulator') {
  console.log('  Images come from the built-in ComfyUI simulator (no GPU needed).')
  console.log('  To use a real ComfyUI: COMFYUI_URL=http://127.0.0.1:8188 pnpm start\n')
} else {
  const connected = await Promise.race([
    app.client.connect().then(() => true),
    new Promise<boolean>((resolve) => setTimeout(resolve, 3000, false).unref()),
  ])
  console.log(
    connected
      ? `  Connected to ComfyUI at ${app.comfyUrl}.\n`
      : `  ComfyUI does not answer at ${app.comfyUrl} yet; the app keeps trying and the pages say so.\n`,
  )
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log('\n  Stopping…')
    void app.close().then(() => process.exit(0))
  })
}

function fail(message: string): never {
  console.error(`\n  reference-app: ${message}\n`)
  process.exit(1)
}
