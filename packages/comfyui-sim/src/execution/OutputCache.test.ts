import { describe, expect, it } from 'vitest'
import { loadWorkflow } from '../../test/fixtures.js'
import { computeSignatures, OutputCache } from './OutputCache.js'

describe('computeSignatures', () => {
  it('changes a node and everything downstream of a changed input, nothing else (03: new seed)', () => {
    const before = computeSignatures(loadWorkflow('txt2img-basic.json'), () => false)
    const after = computeSignatures(loadWorkflow('txt2img-new-seed.json'), () => false)
    const same = [...before].filter(([id, signature]) => after.get(id) === signature).map(([id]) => id)
    expect(same.sort()).toEqual(['4', '5', '6', '7'])
  })

  it('depends on IS_CHANGED (a re-uploaded image)', () => {
    const prompt = loadWorkflow('inpaint.json')
    const a = computeSignatures(prompt, (id) => (id === '10' ? 'hash-a' : false))
    const b = computeSignatures(prompt, (id) => (id === '10' ? 'hash-b' : false))
    expect(a.get('10')).not.toBe(b.get('10'))
    expect(a.get('11')).toBe(b.get('11'))
  })

  it('gives a link to a missing node a signature that matches nothing', () => {
    const prompt = { '1': { class_type: 'PreviewImage', inputs: { images: ['404', 0] } } }
    expect(computeSignatures(prompt, () => false).get('1')).not.toBe(
      computeSignatures(prompt, () => false).get('1'),
    )
  })
})

describe('OutputCache', () => {
  it('keeps only the entries the next prompt uses', () => {
    const cache = new OutputCache()
    cache.set('a', { ui: undefined })
    cache.set('b', { ui: undefined })
    cache.keepOnly(['b', 'c'])
    expect(cache.get('a')).toBeUndefined()
    expect(cache.get('b')).toEqual({ ui: undefined })
  })
})
