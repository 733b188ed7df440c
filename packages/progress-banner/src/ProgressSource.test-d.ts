// Type tests: WebhookManager satisfies the structural sources the banner reads from, and the banner
// needs nothing more of a source than they say. Checked by `tsc -p tsconfig.json` (pnpm typecheck).
import { WebhookManager, webhookManager } from '@comfy-progress/webhook-manager'
import { expectTypeOf } from 'vitest'
import type { ConnectionSource, ProgressSource } from './ProgressSource.js'

expectTypeOf(webhookManager).toExtend<ProgressSource>()
expectTypeOf(new WebhookManager()).toExtend<ConnectionSource>()
expectTypeOf({ subscribe: () => () => undefined }).toExtend<ProgressSource>()
// A source must hand back its unsubscribe.
expectTypeOf({ subscribe: () => undefined }).not.toExtend<ProgressSource>()
