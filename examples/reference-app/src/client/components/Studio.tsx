import type { CancelledTaskEvent, ErrorTaskEvent, TaskResult } from '@comfy-progress/core'
import { ProgressBanner, type ProgressError } from '@comfy-progress/progress-banner'
import { webhookManager } from '../webhookManager.js'
import type { ComponentChild } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import type { GenerateBody } from '../../shared/GenerateBody.js'
import { describeFailure } from '../describeFailure.js'
import { postGenerate } from '../postGenerate.js'
import { useBackendHealth } from '../useBackendHealth.js'
import { AppHeader } from './AppHeader.js'
import { CarouselDisplay } from './CarouselDisplay.js'
import { OfflineNotice } from './OfflineNotice.js'
import { ToastStack } from './ToastStack.js'

/** What a page's form learns from {@link StudioProps.renderComposer}'s `generate`. */
export type GenerateOutcome = { readonly ok: true } | { readonly ok: false; readonly message: string }

/** Props of {@link Studio}. */
export interface StudioProps {
  readonly page: 'index' | 'inpaint'
  /**
   * The page's form. `generate` sends a request and resolves once the server answered with the task
   * id (the image is followed by the banner afterwards), or with the failure in words to show inline.
   */
  readonly renderComposer: (generate: (body: GenerateBody) => Promise<GenerateOutcome>) => ComponentChild
}

/** A generation being followed: one banner each. */
interface Running {
  readonly taskId: string
  readonly prompt: string
}

/** Where the running tasks are kept for the tab's session. */
const RUNNING_KEY = 'comfy-progress:running'

/** How long the banner stays at 100 % before it goes, in ms. */
const BANNER_HIDE_MS = 1200

/**
 * The frame of both pages, wired as the design document describes: the form's request answers with a
 * `taskId` at once; a `ProgressBanner` is mounted for it (one per running image, stacked under the top
 * bar); its `onComplete` hands the result to the carousel (`CarouselDisplay.addData`), hides the
 * banner and shows a success toast. Failures (the request's or the task's) become toasts in words.
 */
export function Studio({ page, renderComposer }: StudioProps): ComponentChild {
  const carousel = useRef<CarouselDisplay>(null)
  const toasts = useRef<ToastStack>(null)
  const gallery = useRef<HTMLElement>(null)
  // Kept for the tab's session: after a reload, each banner picks its task up where it is.
  const [running, setRunning] = useState<readonly Running[]>(loadRunning)
  useEffect(() => saveRunning(running), [running])
  const health = useBackendHealth()

  const remove = (taskId: string): void => setRunning((list) => list.filter((task) => task.taskId !== taskId))

  const generate = async (body: GenerateBody): Promise<GenerateOutcome> => {
    const answer = await postGenerate(body)
    if (answer.ok) {
      setRunning((list) => [...list, { taskId: answer.taskId, prompt: body.prompt }])
      return { ok: true }
    }
    const text = describeFailure(answer.code, answer.message)
    if (answer.code !== 'BODY_INVALID') toasts.current?.show({ kind: 'error', ...text })
    return { ok: false, message: text.message }
  }

  const handleComplete = (taskId: string, result: TaskResult): void => {
    carousel.current?.addData(result)
    toasts.current?.show({
      kind: 'success',
      title: result.inpaint === true ? 'Inpainting done' : 'Image ready',
      message: result.prompt ?? '',
      imageUrl: result.imageUrl,
      ...(!isInView(gallery.current) && {
        action: {
          label: 'Show it',
          run: () => gallery.current?.scrollIntoView({ behavior: 'smooth', block: 'start' }),
        },
      }),
    })
    setTimeout(() => remove(taskId), BANNER_HIDE_MS + 400)
  }

  const handleError = (error: ProgressError, event?: ErrorTaskEvent | CancelledTaskEvent): void => {
    const failed = event?.status === 'error' ? event.error : undefined
    toasts.current?.show({
      kind: 'error',
      ...describeFailure(failed?.code ?? error.code, failed?.message ?? error.message, failed?.details),
    })
  }

  return (
    <>
      <AppHeader page={page} health={health} stream={webhookManager} />
      <div class="banner-stack">
        {running.map((task) => (
          <ProgressBanner
            key={task.taskId}
            taskId={task.taskId}
            webhookManager={webhookManager}
            label={`Progress of “${task.prompt.slice(0, 60)}”`}
            hideAfterMs={BANNER_HIDE_MS}
            onComplete={(result) => handleComplete(task.taskId, result)}
            onError={handleError}
            onDismiss={remove}
          />
        ))}
      </div>
      <main class="layout">
        <section class="panel composer">
          <OfflineNotice health={health} />
          {renderComposer(generate)}
        </section>
        <section ref={gallery} class="panel gallery" aria-labelledby="gallery-title">
          <div class="panel-head">
            <h2 id="gallery-title">Results</h2>
            <span class="muted small">Both pages share this gallery</span>
          </div>
          <CarouselDisplay ref={carousel} />
        </section>
      </main>
      <ToastStack ref={toasts} />
    </>
  )
}

/** Whether the top of an element is on screen (on a phone, the gallery is below the form). */
function isInView(element: HTMLElement | null): boolean {
  if (element === null) return true
  const { top } = element.getBoundingClientRect()
  return top >= 0 && top < window.innerHeight * 0.6
}

function loadRunning(): readonly Running[] {
  try {
    const saved: unknown = JSON.parse(sessionStorage.getItem(RUNNING_KEY) ?? '[]')
    return Array.isArray(saved)
      ? (saved as Running[]).filter(
          (task) => typeof task?.taskId === 'string' && typeof task.prompt === 'string',
        )
      : []
  } catch {
    return []
  }
}

function saveRunning(running: readonly Running[]): void {
  try {
    sessionStorage.setItem(RUNNING_KEY, JSON.stringify(running))
  } catch {
    // Storage disabled: a reload forgets the banners, nothing else.
  }
}
