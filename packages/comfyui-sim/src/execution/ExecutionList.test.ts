import { describe, expect, it } from 'vitest'
import { loadWorkflow } from '../../test/fixtures.js'
import { loadCoreObjectInfo } from '../validation/ObjectInfo.js'
import type { ApiPrompt } from '../validation/ApiPrompt.js'
import { ExecutionList } from './ExecutionList.js'

const objectInfo = loadCoreObjectInfo()

function order(prompt: ApiPrompt, cached: readonly string[] = []): string[] {
  const list = new ExecutionList({
    prompt,
    isCached: (id) => cached.includes(id),
    isOutput: (id) => objectInfo[prompt[id]!.class_type]!.output_node,
  })
  for (const [id, node] of Object.entries(prompt))
    if (objectInfo[node.class_type]!.output_node) list.addNode(id)
  const ran: string[] = []
  while (!list.isEmpty()) {
    const id = list.stage()!
    ran.push(id)
    list.complete(id)
  }
  return ran
}

describe('ExecutionList', () => {
  it('runs txt2img in the recorded order (01: 4, 5, 7, 6, 3, 8, 9)', () => {
    expect(order(loadWorkflow('txt2img-basic.json'))).toEqual(['4', '5', '7', '6', '3', '8', '9'])
  })

  it('runs the inpaint workflow in the recorded order (09: 11, 10, 12, 6, 3, 8, 9)', () => {
    expect(order(loadWorkflow('inpaint.json'), ['4', '7'])).toEqual(['11', '10', '12', '6', '3', '8', '9'])
  })

  it('skips cached dependencies but still stages a cached output node (02)', () => {
    expect(order(loadWorkflow('txt2img-basic.json'), ['3', '4', '5', '6', '7', '8', '9'])).toEqual(['9'])
  })

  it('stages nothing for a cycle', () => {
    const prompt: ApiPrompt = {
      '1': { class_type: 'VAEDecode', inputs: { samples: ['2', 0] } },
      '2': { class_type: 'VAEEncode', inputs: { pixels: ['1', 0] } },
      '3': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
    }
    const list = new ExecutionList({ prompt, isCached: () => false, isOutput: (id) => id === '3' })
    list.addNode('3')
    expect(list.stage()).toBeUndefined()
  })
})
