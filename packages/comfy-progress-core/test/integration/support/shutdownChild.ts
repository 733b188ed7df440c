/**
 * Run as a child process by clientShutdown.test.ts: connects a ComfyClient to the ComfyUI at argv[2],
 * runs one prompt, submits another and closes the client while it runs, then simply returns. If the
 * client left a timer, socket or request behind, this process would not exit on its own.
 */
import { ComfyClient } from '../../../src/client/ComfyClient.js'
import { loadWorkflow } from '../../helpers.js'

const baseUrl = process.argv[2]!
const client = new ComfyClient({ baseUrl, pingIntervalMs: 1000 })
await client.connect()
const first = await client.submit(loadWorkflow('txt2img-basic.json'))
await first.done
const workflow = structuredClone(loadWorkflow('txt2img-basic.json'))
workflow['3']!.inputs.seed = 99
const second = await client.submit(workflow) // at the parent's speed it runs for a few hundred ms
await client.close()
const outcome = await second.done
process.stdout.write(
  `${JSON.stringify({
    closed: true,
    second: outcome.status === 'abandoned' ? outcome.error.code : outcome.status,
    resources: process.getActiveResourcesInfo(),
  })}\n`,
)
