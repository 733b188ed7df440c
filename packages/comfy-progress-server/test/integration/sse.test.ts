import { createSseHandler as createFetchSseHandler } from '../../src/adapters/fetch/index.js'
import { createSseHandler as createNodeSseHandler } from '../../src/adapters/node/index.js'
import { sseAdapterContract } from '../contracts/sseAdapter.contract.js'
import { bridgeFetchHandler } from '../helpers.js'

// The same suite, over HTTP/1.1 and HTTP/2, for both adapters.
sseAdapterContract('node', { createHandler: (options) => createNodeSseHandler(options) })
sseAdapterContract('fetch', {
  createHandler: (options) => bridgeFetchHandler(createFetchSseHandler(options)),
})
