import { describe, expect, it } from 'vitest'
import { redactPaths } from './redactPaths.js'

describe('redactPaths', () => {
  it('keeps only the file name of absolute POSIX and Windows paths', () => {
    expect(
      redactPaths("cannot identify image file '/root/comfy-work/ComfyUI/input/not-an-image.png'\n"),
    ).toBe("cannot identify image file 'not-an-image.png'\n")
    expect(redactPaths('No such file: C:\\Users\\bob\\ComfyUI\\models\\ckpt.safetensors.')).toBe(
      'No such file: ckpt.safetensors.',
    )
    expect(redactPaths('at \\\\server\\share\\dir\\f.txt')).toBe('at f.txt')
    expect(redactPaths('File "/srv/ComfyUI/execution.py", line 496')).toBe('File "execution.py", line 496')
    expect(redactPaths('in /opt/models/')).toBe('in models')
  })

  it('leaves URLs, fractions, relative paths and ordinary text alone', () => {
    for (const text of [
      'see https://example.com/a/b/c.png',
      'expected input[1, 16, 64, 64] to have 4 channels, 1/2 done, and/or more',
      'models/checkpoints/sd15.safetensors',
      '~/ComfyUI/input/x.png',
      '',
    ]) {
      expect(redactPaths(text)).toBe(text)
    }
  })
})
