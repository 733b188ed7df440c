/**
 * The Hono example, started as `pnpm start` starts it, through the suite every adapter example shares.
 */
import { adapterSmokeSuite } from '../../express/test/adapterSmokeSuite.js'

adapterSmokeSuite(new URL('..', import.meta.url))
