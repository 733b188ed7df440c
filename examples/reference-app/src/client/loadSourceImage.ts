import { generateLimits } from '../shared/GenerateBody.js'

/**
 * Reads a picked file (or a fetched result) into a canvas the size the server will get: at most
 * `maxImageSide` on the long side and a multiple of 8 on both (what Stable Diffusion's latents need),
 * so the mask painted on it lines up pixel for pixel. Rejects with words for the page when the file is
 * not an image the browser can read.
 */
export async function loadSourceImage(file: Blob): Promise<HTMLCanvasElement> {
  if (!file.type.startsWith('image/'))
    throw new Error('That file is not an image. Choose a PNG, JPEG or WebP.')
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file)
  } catch {
    throw new Error('This image could not be read. Try another file.')
  }
  const scale = Math.min(1, generateLimits.maxImageSide / Math.max(bitmap.width, bitmap.height))
  const canvas = document.createElement('canvas')
  canvas.width = Math.max(64, Math.floor((bitmap.width * scale) / 8) * 8)
  canvas.height = Math.max(64, Math.floor((bitmap.height * scale) / 8) * 8)
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height)
  bitmap.close()
  return canvas
}

/** Fetches an image of this site (a result's `imageUrl`) and reads it like a picked file. */
export async function loadSourceImageUrl(url: string): Promise<HTMLCanvasElement> {
  if (!url.startsWith('/')) throw new Error('Only images from this app can be opened here.')
  const response = await fetch(url).catch(() => null)
  if (response === null || !response.ok) {
    throw new Error('That image is no longer available (the server may have restarted).')
  }
  return loadSourceImage(await response.blob())
}

/** A sample picture to try the page without a file: a sky, a sun, hills and a lake, 512 × 512. */
export function drawSampleScene(): HTMLCanvasElement {
  const canvas = document.createElement('canvas')
  canvas.width = 512
  canvas.height = 512
  const context = canvas.getContext('2d')!
  const sky = context.createLinearGradient(0, 0, 0, 320)
  sky.addColorStop(0, '#2b3a67')
  sky.addColorStop(0.6, '#e07a5f')
  sky.addColorStop(1, '#f2cc8f')
  context.fillStyle = sky
  context.fillRect(0, 0, 512, 320)
  context.fillStyle = '#fff3c4'
  context.beginPath()
  context.arc(340, 250, 46, 0, Math.PI * 2)
  context.fill()
  const hill = ([color, base, amplitude, phase]: readonly [string, number, number, number]): void => {
    context.fillStyle = color
    context.beginPath()
    context.moveTo(0, 512)
    for (let x = 0; x <= 512; x += 8) context.lineTo(x, base - amplitude * Math.sin(x / 70 + phase))
    context.lineTo(512, 512)
    context.fill()
  }
  hill(['#3d405b', 300, 28, 0.5])
  hill(['#2a2d43', 330, 18, 2.2])
  const lake = context.createLinearGradient(0, 360, 0, 512)
  lake.addColorStop(0, '#81b29a')
  lake.addColorStop(1, '#264653')
  context.fillStyle = lake
  context.fillRect(0, 380, 512, 132)
  return canvas
}
