import type { InpaintArea } from '../../shared/GenerateBody.js'
import { Component, type ComponentChild, createRef } from 'preact'

/** Props of {@link MaskPainter}. */
export interface MaskPainterProps {
  /** The image to paint on, at the size it will be sent. */
  readonly source: HTMLCanvasElement
  /** Brush diameter in screen pixels (scaled to the image). */
  readonly brushSize: number
  /** `paint` adds to the mask, `erase` removes from it. */
  readonly mode: 'paint' | 'erase'
  /** Called when the mask goes from empty to painted or back. */
  readonly onPaintedChange: (painted: boolean) => void
}

/** A mask ready to send. */
export interface ExportedMask {
  /** A PNG data URL, the image's size: white where to repaint, black elsewhere. */
  readonly dataUrl: string
  /** The bounding box of the white area, in image pixels. */
  readonly area: InpaintArea
}

const STROKE = '#ff2e88'

/**
 * The mask canvas of the inpaint page: the image with a translucent layer on top that the person
 * paints with a mouse, a finger or a pen (pointer events, pen pressure honoured), in either mode, at
 * any brush size. The layer has the image's own resolution, whatever size it is shown at.
 */
export class MaskPainter extends Component<MaskPainterProps> {
  readonly #base = createRef<HTMLCanvasElement>()
  readonly #layer = createRef<HTMLCanvasElement>()
  #last: { x: number; y: number } | null = null
  #painted = false

  override componentDidMount(): void {
    this.#drawSource()
  }

  override componentDidUpdate(previous: MaskPainterProps): void {
    if (previous.source !== this.props.source) {
      this.#drawSource()
      this.clear()
    }
  }

  /** Removes every stroke. */
  clear(): void {
    const layer = this.#layer.current
    if (layer !== null) layerContext(layer).clearRect(0, 0, layer.width, layer.height)
    this.#setPainted(false)
  }

  /** The mask as a black-and-white PNG, or `null` when nothing is painted. */
  exportMask(): ExportedMask | null {
    const layer = this.#layer.current
    if (layer === null) return null
    const area = paintedArea(layer)
    if (area === null) return null
    const mask = document.createElement('canvas')
    mask.width = layer.width
    mask.height = layer.height
    const context = mask.getContext('2d')!
    context.drawImage(layer, 0, 0)
    context.globalCompositeOperation = 'source-in'
    context.fillStyle = '#fff'
    context.fillRect(0, 0, mask.width, mask.height)
    context.globalCompositeOperation = 'destination-over'
    context.fillStyle = '#000'
    context.fillRect(0, 0, mask.width, mask.height)
    return { dataUrl: mask.toDataURL('image/png'), area }
  }

  override render(): ComponentChild {
    const { width, height } = this.props.source
    return (
      <div
        class="painter"
        // Tall images would push the form off screen: at most 56 % of the window's height.
        style={{ aspectRatio: `${width} / ${height}`, maxWidth: `min(100%, calc(56vh * ${width / height}))` }}
      >
        <canvas ref={this.#base} class="painter-base" width={width} height={height} aria-hidden="true" />
        <canvas
          ref={this.#layer}
          class="painter-layer"
          data-mode={this.props.mode}
          width={width}
          height={height}
          role="img"
          aria-label="Mask: paint over the part of the image to change"
          onPointerDown={this.#onDown}
          onPointerMove={this.#onMove}
          onPointerUp={this.#onUp}
          onPointerCancel={this.#onUp}
        />
      </div>
    )
  }

  #onDown = (event: PointerEvent): void => {
    if (event.button !== 0) return
    event.preventDefault()
    const canvas = event.currentTarget as HTMLCanvasElement
    try {
      // Keep receiving the stroke when the pointer leaves the canvas.
      canvas.setPointerCapture(event.pointerId)
    } catch {
      // A pointer the browser does not track (a synthetic event): paint without capture.
    }
    this.#last = this.#point(event)
    this.#stroke(this.#last, this.#last, event)
  }

  #onMove = (event: PointerEvent): void => {
    if (this.#last === null) return
    const events = typeof event.getCoalescedEvents === 'function' ? event.getCoalescedEvents() : []
    for (const each of events.length > 0 ? events : [event]) {
      const point = this.#point(each)
      this.#stroke(this.#last, point, each)
      this.#last = point
    }
  }

  #onUp = (): void => {
    if (this.#last === null) return
    this.#last = null
    this.#setPainted(paintedArea(this.#layer.current!) !== null)
  }

  /** A pointer position in image pixels. */
  #point(event: PointerEvent): { x: number; y: number } {
    const layer = this.#layer.current!
    const box = layer.getBoundingClientRect()
    return {
      x: ((event.clientX - box.left) * layer.width) / box.width,
      y: ((event.clientY - box.top) * layer.height) / box.height,
    }
  }

  #stroke(from: { x: number; y: number }, to: { x: number; y: number }, event: PointerEvent): void {
    const layer = this.#layer.current!
    const context = layerContext(layer)
    const scale = layer.width / layer.getBoundingClientRect().width
    const pressure = event.pointerType === 'pen' && event.pressure > 0 ? event.pressure * 2 : 1
    context.globalCompositeOperation = this.props.mode === 'erase' ? 'destination-out' : 'source-over'
    context.strokeStyle = STROKE
    context.lineWidth = Math.max(1, this.props.brushSize * scale * pressure)
    context.lineCap = 'round'
    context.lineJoin = 'round'
    context.beginPath()
    context.moveTo(from.x, from.y)
    context.lineTo(to.x + 0.01, to.y)
    context.stroke()
    if (this.props.mode === 'paint') this.#setPainted(true)
  }

  #drawSource(): void {
    const base = this.#base.current
    base?.getContext('2d')?.drawImage(this.props.source, 0, 0)
  }

  #setPainted(painted: boolean): void {
    if (painted === this.#painted) return
    this.#painted = painted
    this.props.onPaintedChange(painted)
  }
}

/** The bounding box of the layer's painted pixels, or `null` if there are none. */
function paintedArea(layer: HTMLCanvasElement): InpaintArea | null {
  const { width, height } = layer
  const { data } = layerContext(layer).getImageData(0, 0, width, height)
  let left = width
  let top = height
  let right = -1
  let bottom = -1
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[(y * width + x) * 4 + 3]! < 8) continue
      if (x < left) left = x
      if (x > right) right = x
      if (y < top) top = y
      bottom = y
    }
  }
  return right < 0 ? null : { x: left, y: top, width: right - left + 1, height: bottom - top + 1 }
}

/** The layer's 2D context, set up for the pixel reads of {@link paintedArea}. */
function layerContext(layer: HTMLCanvasElement): CanvasRenderingContext2D {
  return layer.getContext('2d', { willReadFrequently: true })!
}
