/**
 * Evidence that grows with the fleet, kept readable: a finding about 3,000 instances shows the first lines and
 * says how many more there are. The full lists stay in the finding's resources and data, for scripts.
 */

/** At most this many lines of per-instance (per-target) evidence in one finding. */
export const EVIDENCE_LINES = 20

/** One line per item, for the first `max` items, then `… and N more <what> (all in resources)`. */
export function boundedLines<T>(items: readonly T[], line: (item: T) => string, what: string, max = EVIDENCE_LINES): string[] {
  const shown = items.slice(0, max).map(line)
  return items.length <= max ? shown : [...shown, `… and ${items.length - max} more ${what} (all in resources)`]
}

/** `i-1, i-2 and 3 more`: short lists in messages. */
export function listIds(ids: readonly string[], max = 4): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`
}
