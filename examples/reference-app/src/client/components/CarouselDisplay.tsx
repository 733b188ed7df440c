import type { TaskResult } from '@comfy-progress/core'
import { Component, type ComponentChild } from 'preact'

/** Props of {@link CarouselDisplay}. */
export interface CarouselDisplayProps {
  /**
   * Where the gallery is kept between visits (`localStorage`), shared by both pages; `null` keeps it
   * in memory only.
   * @default 'comfy-progress:gallery'
   */
  readonly storageKey?: string | null
}

interface CarouselDisplayState {
  readonly items: readonly TaskResult[]
  readonly selected: number
}

const MAX_ITEMS = 30

/**
 * The results carousel of both pages: the selected image large, with its prompt, seed and workflow,
 * arrows (and arrow keys) to move, a strip of thumbnails, and links to open, download or inpaint it.
 * Results arrive through {@link CarouselDisplay.addData}, the display hand-off of the design document:
 * the newest comes first and is selected. The gallery is kept in `localStorage`; a result whose image
 * is gone (the server restarted) is dropped when it fails to load.
 */
export class CarouselDisplay extends Component<CarouselDisplayProps, CarouselDisplayState> {
  constructor(props: CarouselDisplayProps) {
    super(props)
    this.state = { items: [], selected: 0 }
  }

  override componentDidMount(): void {
    this.setState({ items: this.#load() })
  }

  /** Adds a completed task's result in front and shows it. */
  addData(result: TaskResult): void {
    this.#update([result, ...this.state.items.filter((item) => item.imageUrl !== result.imageUrl)], 0)
  }

  /** Shows the result at `index` (wrapping around). */
  select(index: number): void {
    const count = this.state.items.length
    if (count > 0) this.setState({ selected: (index + count) % count })
  }

  override render(): ComponentChild {
    const { items, selected } = this.state
    const current = items[selected]
    if (current === undefined) {
      return (
        <div class="carousel carousel-empty">
          <div class="empty-art" aria-hidden="true" />
          <p>Your images will appear here.</p>
          <p class="muted">Each one shows up as soon as it is done — no need to wait on this page.</p>
        </div>
      )
    }
    const several = items.length > 1
    return (
      <div class="carousel" role="region" aria-roledescription="carousel" aria-label="Results">
        <div class="stage" tabIndex={0} onKeyDown={this.#onKey}>
          <img
            key={current.imageUrl}
            class="stage-image"
            src={current.imageUrl}
            alt={current.prompt ?? 'Generated image'}
            onError={() => this.#drop(current.imageUrl)}
          />
          {several && (
            <>
              <button
                type="button"
                class="stage-nav prev"
                aria-label="Previous image"
                onClick={this.#previous}
              >
                ‹
              </button>
              <button type="button" class="stage-nav next" aria-label="Next image" onClick={this.#next}>
                ›
              </button>
              <span class="stage-count">
                {selected + 1} / {items.length}
              </span>
            </>
          )}
        </div>
        <div class="caption">
          <p class="caption-prompt">{current.prompt}</p>
          <div class="caption-meta">
            {current.inpaint === true && <span class="chip chip-accent">Inpainted</span>}
            {current.name !== undefined && current.inpaint !== true && (
              <span class="chip">{current.name}</span>
            )}
            {current.seed !== undefined && <span class="chip">seed {current.seed}</span>}
          </div>
          <div class="caption-actions">
            <a class="button ghost small" href={current.imageUrl} target="_blank" rel="noopener">
              Open
            </a>
            <a
              class="button ghost small"
              href={current.imageUrl}
              download={`comfy-progress-${current.uid ?? 'image'}.png`}
            >
              Download
            </a>
            <a class="button ghost small" href={`/inpaint?image=${encodeURIComponent(current.imageUrl)}`}>
              Inpaint
            </a>
          </div>
        </div>
        {several && (
          <ol class="thumbs" aria-label="All results">
            {items.map((item, index) => (
              <li key={item.imageUrl}>
                <button
                  type="button"
                  class="thumb"
                  aria-current={index === selected ? 'true' : undefined}
                  aria-label={`Show image ${index + 1}: ${item.prompt ?? ''}`}
                  onClick={() => this.select(index)}
                >
                  <img src={item.imageUrl} alt="" loading="lazy" />
                </button>
              </li>
            ))}
          </ol>
        )}
      </div>
    )
  }

  #previous = (): void => this.select(this.state.selected - 1)
  #next = (): void => this.select(this.state.selected + 1)

  #onKey = (event: KeyboardEvent): void => {
    if (event.key === 'ArrowLeft') this.#previous()
    else if (event.key === 'ArrowRight') this.#next()
  }

  #drop(imageUrl: string): void {
    const items = this.state.items.filter((item) => item.imageUrl !== imageUrl)
    this.#update(items, Math.min(this.state.selected, Math.max(0, items.length - 1)))
  }

  #update(items: readonly TaskResult[], selected: number): void {
    const kept = items.slice(0, MAX_ITEMS)
    this.setState({ items: kept, selected })
    const key = this.#storageKey()
    if (key === null) return
    try {
      localStorage.setItem(key, JSON.stringify(kept))
    } catch {
      // Storage full or disabled: the gallery still works for this visit.
    }
  }

  #load(): readonly TaskResult[] {
    const key = this.#storageKey()
    if (key === null) return []
    try {
      const items: unknown = JSON.parse(localStorage.getItem(key) ?? '[]')
      return Array.isArray(items)
        ? (items as TaskResult[]).filter(
            (item) => typeof item?.imageUrl === 'string' && item.imageUrl.startsWith('/'),
          )
        : []
    } catch {
      return []
    }
  }

  #storageKey(): string | null {
    return this.props.storageKey === undefined ? 'comfy-progress:gallery' : this.props.storageKey
  }
}
