/** An absolute POSIX path of two or more segments (`/root/ComfyUI/input/x.png`), not inside a URL. */
const POSIX_PATH = /(?<![\w.:/\\~-])\/(?:[^\s'"`/\\:<>|]+\/)+[^\s'"`/\\:<>|]*/g
/** An absolute Windows path (`C:\ComfyUI\input\x.png`) or UNC path (`\\server\share\x.png`). */
const WINDOWS_PATH = /(?<!\w)(?:[A-Za-z]:|\\\\[^\s'"`\\]+)\\(?:[^\s'"`\\:<>|]+\\)*[^\s'"`\\:<>|]*/g

/**
 * Replaces every absolute file path in `text` with its last segment, so that a message from ComfyUI
 * tells a user which file was wrong without telling the world where the server keeps it:
 * `cannot identify image file '/root/ComfyUI/input/x.png'` → `cannot identify image file 'x.png'`.
 * URLs and relative paths are left alone.
 */
export function redactPaths(text: string): string {
  return text.replace(POSIX_PATH, lastSegment).replace(WINDOWS_PATH, lastSegment)
}

function lastSegment(path: string): string {
  const segments = path.split(/[/\\]/).filter((segment) => segment !== '')
  return segments[segments.length - 1] ?? ''
}
