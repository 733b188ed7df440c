import type { ComponentChild } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { checkPromptFields, isFieldProblem } from '../../shared/checkPromptFields.js'
import type { GenerateBody } from '../../shared/GenerateBody.js'
import { drawSampleScene, loadSourceImage, loadSourceImageUrl } from '../loadSourceImage.js'
import { MaskPainter } from './MaskPainter.js'
import { PromptFields, type PromptValues, seedOf } from './PromptFields.js'
import type { GenerateOutcome } from './Studio.js'

/** Props of {@link InpaintForm}. */
export interface InpaintFormProps {
  readonly generate: (body: GenerateBody) => Promise<GenerateOutcome>
}

type Problem = { readonly field?: string; readonly message: string }

/**
 * The inpaint page's form: pick an image (a file, a dropped file, a result from the gallery through
 * `?image=`, or the sample), paint the area to change, describe what should be there, Generate.
 */
export function InpaintForm({ generate }: InpaintFormProps): ComponentChild {
  const painter = useRef<MaskPainter>(null)
  const fileInput = useRef<HTMLInputElement>(null)
  const [source, setSource] = useState<HTMLCanvasElement | null>(null)
  const [painted, setPainted] = useState(false)
  const [brushSize, setBrushSize] = useState(32)
  const [mode, setMode] = useState<'paint' | 'erase'>('paint')
  const [values, setValues] = useState<PromptValues>({ prompt: '', negativePrompt: '', seed: '' })
  const [sending, setSending] = useState(false)
  const [dragging, setDragging] = useState(false)
  const [problem, setProblem] = useState<Problem | null>(null)

  const use = (loading: Promise<HTMLCanvasElement>): void => {
    loading.then(
      (canvas) => {
        setSource(canvas)
        setProblem(null)
      },
      (error: Error) => setProblem({ field: 'image', message: error.message }),
    )
  }

  useEffect(() => {
    const image = new URLSearchParams(location.search).get('image')
    if (image !== null) use(loadSourceImageUrl(image))
  }, [])

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault()
    const seed = seedOf(values.seed)
    const fields = {
      prompt: values.prompt,
      negativePrompt: values.negativePrompt,
      workflow: 'inpaint' as const,
      ...(seed !== undefined && { seed }),
    }
    if (source === null) return setProblem({ field: 'image', message: 'Choose an image first.' })
    const mask = painter.current?.exportMask() ?? null
    if (mask === null)
      return setProblem({ field: 'mask', message: 'Paint over the part of the image you want to change.' })
    const checked = checkPromptFields(fields)
    if (isFieldProblem(checked)) return setProblem(checked)
    setProblem(null)
    setSending(true)
    const outcome = await generate({
      ...fields,
      image: source.toDataURL('image/png'),
      mask: mask.dataUrl,
      inpaintArea: mask.area,
    })
    setSending(false)
    if (!outcome.ok) setProblem({ message: outcome.message })
  }

  const onDrop = (event: DragEvent): void => {
    event.preventDefault()
    setDragging(false)
    const file = event.dataTransfer?.files[0]
    if (file !== undefined) use(loadSourceImage(file))
  }

  return (
    <form class="form" onSubmit={(event) => void submit(event)} noValidate>
      <div class="panel-head">
        <h1>Inpaint</h1>
        {source !== null && (
          <button type="button" class="button ghost small" onClick={() => fileInput.current?.click()}>
            Change image
          </button>
        )}
      </div>
      <input
        ref={fileInput}
        id="image-file"
        type="file"
        accept="image/png,image/jpeg,image/webp"
        class="visually-hidden"
        onChange={(event) => {
          const file = event.currentTarget.files?.[0]
          if (file !== undefined) use(loadSourceImage(file))
          event.currentTarget.value = ''
        }}
      />
      {source === null ? (
        <div
          class="dropzone"
          data-dragging={dragging}
          aria-invalid={problem?.field === 'image' ? 'true' : undefined}
          onDragOver={(event) => {
            event.preventDefault()
            setDragging(true)
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <div class="dropzone-art" aria-hidden="true" />
          <p>
            <strong>Drop an image here</strong>
            <br />
            <span class="muted">PNG, JPEG or WebP · scaled to 768 px</span>
          </p>
          <div class="dropzone-actions">
            <label class="button primary" for="image-file">
              Choose an image
            </label>
            <button
              type="button"
              class="button ghost"
              onClick={() => use(Promise.resolve(drawSampleScene()))}
            >
              Use a sample
            </button>
          </div>
        </div>
      ) : (
        <div class="field">
          <span class="field-label">Paint over the area to change</span>
          <MaskPainter
            ref={painter}
            source={source}
            brushSize={brushSize}
            mode={mode}
            onPaintedChange={setPainted}
          />
          <div class="toolbar" role="toolbar" aria-label="Mask tools">
            <div class="segmented" role="group" aria-label="Brush mode">
              <button type="button" aria-pressed={mode === 'paint'} onClick={() => setMode('paint')}>
                Brush
              </button>
              <button type="button" aria-pressed={mode === 'erase'} onClick={() => setMode('erase')}>
                Eraser
              </button>
            </div>
            <button
              type="button"
              class="button ghost small"
              disabled={!painted}
              onClick={() => painter.current?.clear()}
            >
              Clear
            </button>
            <label class="brush-size">
              <span>Size</span>
              <input
                type="range"
                min={4}
                max={96}
                value={brushSize}
                aria-label="Brush size"
                onInput={(event) => setBrushSize(Number(event.currentTarget.value))}
              />
              <span class="brush-preview" aria-hidden="true">
                <span
                  class="brush-dot"
                  style={{ width: `${brushSize / 3 + 4}px`, height: `${brushSize / 3 + 4}px` }}
                />
              </span>
            </label>
          </div>
        </div>
      )}
      <PromptFields
        values={values}
        onChange={setValues}
        promptLabel="What should appear in the painted area?"
        promptPlaceholder="A small wooden boat with a red sail"
        invalidField={problem?.field}
      />
      {problem !== null && (
        <p class="form-error" role="alert">
          {problem.message}
        </p>
      )}
      <button type="submit" class="button primary wide" id="generate" disabled={sending}>
        {sending ? 'Sending…' : 'Generate'}
      </button>
    </form>
  )
}
