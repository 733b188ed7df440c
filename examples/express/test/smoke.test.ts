/**
 * The Express example, started as `pnpm start` starts it, through the suite every adapter example shares.
 */
import { adapterSmokeSuite } from './adapterSmokeSuite.js'

adapterSmokeSuite(new URL('..', import.meta.url))
