import { createHandler as createFetchHandler } from '../../src/adapters/fetch/index.js'
import { createHandler as createNodeHandler } from '../../src/adapters/node/index.js'
import { taskRoutesContract } from '../contracts/taskRoutes.contract.js'
import { bridgeFetchHandler } from '../helpers.js'

// The same suite, over HTTP/1.1 and HTTP/2, for both adapters.
taskRoutesContract('node', { createHandler: (options) => createNodeHandler(options) })
taskRoutesContract('fetch', { createHandler: (options) => bridgeFetchHandler(createFetchHandler(options)) })
