import { render } from 'preact-render-to-string'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ConnectionSource, ConnectionSourceInfo, ProgressSource } from './ProgressSource.js'

const BROWSER_GLOBALS = ['window', 'document', 'EventSource', 'navigator', 'location', 'self', 'matchMedia']
const restores: (() => void)[] = []

afterEach(() => {
  for (const restore of restores.splice(0)) restore()
})

/** Replaces each global with a getter that records the access (and still answers what was there). */
function watchGlobals(): string[] {
  const touched: string[] = []
  for (const name of BROWSER_GLOBALS) {
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

function fakeSource(): ProgressSource & { calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    subscribe(taskId) {
      calls.push(taskId)
      return () => undefined
    },
  }
}

function connectionSource(info: ConnectionSourceInfo): ConnectionSource {
  return { connection: info, on: () => () => undefined }
}

describe('ProgressBanner and ConnectionStatus on the server (preact-render-to-string)', () => {
  it('import and render without touching a browser global, and subscribe to nothing', async () => {
    const touched = watchGlobals()
    vi.resetModules()
    const { ProgressBanner, ConnectionStatus } = await import('./index.js')
    const source = fakeSource()
    const html = render(
      <div>
        <ProgressBanner taskId="mB3kV0c6TnS8yq1Zp4W2xA" webhookManager={source} />
        <ConnectionStatus source={connectionSource({ state: 'connected', attempt: 0 })} />
      </div>,
    )
    expect(touched).toEqual([])
    expect(source.calls).toEqual([]) // componentDidMount does not run on the server
    expect(html).toContain('Starting...')
    expect(html).toContain('Live')
  })

  it('renders the pending banner: labelled region, progress bar at 0, dismiss button, live region, scoped styles', async () => {
    const { ProgressBanner } = await import('./index.js')
    const html = render(<ProgressBanner taskId="mB3kV0c6TnS8yq1Zp4W2xA" webhookManager={fakeSource()} />)
    expect(html).toMatch(
      /^<section class="cpb" data-status="pending" aria-label="Generation progress"><style>/,
    )
    expect(html).toContain(
      '<div class="cpb-track" role="progressbar" aria-label="Generation progress" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0" aria-valuetext="0%, Starting...">',
    )
    expect(html).toContain('<div class="cpb-fill" style="transform:scaleX(0);"></div>')
    expect(html).toContain(
      '<button type="button" class="cpb-dismiss" aria-label="Dismiss generation progress">×</button>',
    )
    expect(html).toContain('<div class="cpb-live" role="status" aria-live="polite"></div>')
    expect(html).not.toContain('<img') // no preview unless showPreview
    // Every rule of the style sheet is scoped to the component's cpb- prefix (or is an at-rule).
    const css = /<style>([^<]*)<\/style>/.exec(html)![1]!
    const selectors = css
      .replace(/@media[^{]*\{/g, '')
      .split('}')
      .map((rule) => rule.split('{')[0]!.trim())
      .filter(
        (selector) => selector !== '' && !selector.startsWith('@keyframes') && !/^(from|to)$/.test(selector),
      )
    expect(selectors.length).toBeGreaterThan(10)
    for (const selector of selectors.flatMap((list) => list.split(',')))
      expect(selector.trim()).toMatch(/^\.cpb/)
  })

  it('takes the accessible label from the label prop', async () => {
    const { ProgressBanner } = await import('./index.js')
    const html = render(<ProgressBanner taskId="t" webhookManager={fakeSource()} label="Inpainting" />)
    expect(html).toContain('aria-label="Inpainting"')
    expect(html).toContain('aria-label="Dismiss inpainting"')
  })

  it('renders the connection indicator for each state, and nothing to say while idle', async () => {
    const { ConnectionStatus } = await import('./index.js')
    const say = (state: ConnectionSourceInfo['state'], labels?: Record<string, string>) =>
      render(<ConnectionStatus source={connectionSource({ state, attempt: 0 })} labels={labels} />).replace(
        /<style>[^<]*<\/style>/,
        '',
      )
    expect(say('connecting')).toBe(
      '<span class="cpb-conn" data-state="connecting" role="status" aria-live="polite">Connecting...</span>',
    )
    expect(say('connected')).toContain('>Live</span>')
    expect(say('reconnecting')).toContain('>Reconnecting...</span>')
    expect(say('given-up')).toContain('>Disconnected</span>')
    expect(say('idle')).toBe(
      '<span class="cpb-conn" data-state="idle" role="status" aria-live="polite"></span>',
    )
    expect(say('connected', { connected: 'En direct' })).toContain('>En direct</span>')
  })
})
