/**
 * "Did you mean": the known name nearest to a mistyped one (Levenshtein distance; the first of equals), when it is
 * near enough to be what was meant: at most a third of the typed length apart, and never less than `floor` edits.
 */
import {closest, distance} from 'fastest-levenshtein'

export {distance as editDistance} from 'fastest-levenshtein'

export function nearest(typed: string, known: readonly string[], floor = 2): string | undefined {
  if (known.length === 0) return undefined
  const near = closest(typed, [...known])
  return distance(typed, near) <= Math.max(floor, Math.floor(typed.length / 3)) ? near : undefined
}
