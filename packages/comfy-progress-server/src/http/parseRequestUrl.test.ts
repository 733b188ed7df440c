import { describe, expect, it } from 'vitest'
import { parseRequestUrl } from './parseRequestUrl.js'

describe('parseRequestUrl', () => {
  it('reads a path and its query', () => {
    const url = parseRequestUrl('/api/progress/abc?lastEventId=3')
    expect([url.pathname, url.searchParams.get('lastEventId')]).toEqual(['/api/progress/abc', '3'])
  })

  // Found by fuzzing raw HTTP: Node's parser accepts these request targets, the URL parser does not,
  // and the TypeError became a 500 INTERNAL_ERROR.
  it.each(['//', '/\\', '//[', '//a b'])('refuses %j with ROUTE_NOT_FOUND', (target) => {
    expect(() => parseRequestUrl(target)).toThrow(expect.objectContaining({ code: 'ROUTE_NOT_FOUND' }))
  })
})
