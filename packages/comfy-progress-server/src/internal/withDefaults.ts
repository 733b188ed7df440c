/**
 * `defaults` overridden by the options that are set: unlike a spread, an option passed as `undefined`
 * keeps its default.
 */
export function withDefaults<D extends object, O extends object>(defaults: D, options: O): D & O {
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) }
  for (const [key, value] of Object.entries(options)) if (value !== undefined) merged[key] = value
  return merged as D & O
}
