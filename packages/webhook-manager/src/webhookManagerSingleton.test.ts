import { afterEach, describe, expect, it, vi } from 'vitest'

const BROWSER_GLOBALS = ['window', 'document', 'EventSource', 'navigator', 'location', 'self', 'fetch']
const restores: (() => void)[] = []

afterEach(() => {
  for (const restore of restores.splice(0)) restore()
})

/** Replaces each global with a getter that records the access (and still answers what was there). */
function watchGlobals(names: readonly string[]): string[] {
  const touched: string[] = []
  for (const name of names) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name)
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        touched.push(name)
        return (descriptor?.get ? descriptor.get.call(globalThis) : descriptor?.value) as unknown
      },
    })
    restores.push(() => {
      if (descriptor) Object.defineProperty(globalThis, name, descriptor)
      else Reflect.deleteProperty(globalThis, name)
    })
  }
  return touched
}

describe('webhookManager (the singleton)', () => {
  it('is created at import without touching any browser global, so server-side rendering can import it', async () => {
    const touched = watchGlobals(BROWSER_GLOBALS)
    vi.resetModules()
    const module = await import('./index.js')
    expect(module.webhookManager).toBeInstanceOf(module.WebhookManager)
    expect(module.webhookManager.connection).toEqual({ state: 'idle', attempt: 0 })
    expect(touched).toEqual([])
  })

  it('is one shared instance', async () => {
    const first = await import('./index.js')
    const second = await import('./webhookManagerSingleton.js')
    expect(first.webhookManager).toBe(second.webhookManager)
  })
})
