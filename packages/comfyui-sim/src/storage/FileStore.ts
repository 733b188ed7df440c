import { posix } from 'node:path'

/**
 * The simulator's `input/`, `output/` and `temp/` folders, in memory. Path rules follow ComfyUI's:
 * a name may carry a subfolder (`"sub/x.png"`) and a folder annotation (`"x.png [output]"`), and
 * nothing may escape its folder.
 *
 * @module
 */

/** One of ComfyUI's three file folders. */
export type Folder = 'input' | 'output' | 'temp'

/** Whether `value` names a folder (`GET /view?type=`, upload `type`). */
export function isFolder(value: unknown): value is Folder {
  return value === 'input' || value === 'output' || value === 'temp'
}

/** Splits ComfyUI's annotated file name `"name.png [output]"` into the name and its folder. */
export function parseAnnotatedName(name: string): { name: string; folder: Folder | undefined } {
  const match = /^(.*) \[(input|output|temp)\]$/.exec(name)
  return match ? { name: match[1]!, folder: match[2] as Folder } : { name, folder: undefined }
}

/**
 * Normalises a subfolder, or returns `undefined` if it escapes its folder (`..`, absolute paths).
 * `""` and `"."` are the folder itself.
 */
export function safeSubfolder(subfolder: string): string | undefined {
  const normal = posix.normalize(subfolder.replaceAll('\\', '/') || '.')
  if (posix.isAbsolute(normal) || normal === '..' || normal.startsWith('../')) return undefined
  return normal === '.' ? '' : normal.replace(/\/$/, '')
}

/** Where a file is: its folder, subfolder (`""` for none) and name. */
export interface FileRef {
  readonly folder: Folder
  readonly subfolder: string
  readonly name: string
}

/** Files by folder and path, with ComfyUI's save-counter and annotation rules. */
export class FileStore {
  private readonly files = new Map<string, Buffer>()

  /** A file's bytes, if present. */
  get(file: FileRef): Buffer | undefined {
    return this.files.get(key(file.folder, file.subfolder, file.name))
  }

  /** Writes (or overwrites) a file. */
  set(file: FileRef, bytes: Buffer): void {
    this.files.set(key(file.folder, file.subfolder, file.name), bytes)
  }

  /**
   * Resolves a node's file reference, as LoadImage's `image` input (`"sub/x.png"`, optionally
   * annotated), in `defaultFolder` unless annotated otherwise.
   */
  resolve(reference: string, defaultFolder: Folder = 'input'): Buffer | undefined {
    const { name, folder } = parseAnnotatedName(reference)
    const slash = name.lastIndexOf('/')
    const subfolder = safeSubfolder(slash < 0 ? '' : name.slice(0, slash))
    if (subfolder === undefined) return undefined
    return this.get({ folder: folder ?? defaultFolder, subfolder, name: name.slice(slash + 1) })
  }

  /** File names of a folder as LoadImage lists them (`"sub/x.png"`), sorted. */
  list(folder: Folder): string[] {
    const prefix = `${folder}/`
    return [...this.files.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length))
      .sort()
  }

  /** The next free counter for `prefix` in a folder, as `get_save_image_path` computes it. */
  nextCounter(folder: Folder, subfolder: string, prefix: string): number {
    const base = `${key(folder, subfolder, '')}`
    let max = 0
    for (const k of this.files.keys()) {
      if (!k.startsWith(base)) continue
      const rest = k.slice(base.length)
      if (!rest.startsWith(`${prefix}_`)) continue
      const match = /^(\d+)/.exec(rest.slice(prefix.length + 1))
      if (match && !rest.slice(prefix.length + 1 + match[1]!.length).includes('/')) {
        max = Math.max(max, Number(match[1]))
      }
    }
    return max + 1
  }

  /** Deletes the temp folder, as a restarted server does. */
  clearTemp(): void {
    for (const k of [...this.files.keys()]) if (k.startsWith('temp/')) this.files.delete(k)
  }
}

function key(folder: Folder, subfolder: string, name: string): string {
  return subfolder ? `${folder}/${subfolder}/${name}` : `${folder}/${name}`
}
