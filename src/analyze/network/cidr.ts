/**
 * Addresses and CIDR blocks as inclusive ranges of bigints, so that IPv4 and IPv6 share one arithmetic: parsing,
 * containment, overlap, what a set of blocks leaves uncovered, and back to the fewest CIDRs. No I/O.
 */

/** An inclusive range of addresses of one family. Bigints so that IPv4 and IPv6 share one arithmetic. */
export interface AddressRange {
  family: 4 | 6
  start: bigint
  end: bigint
}

export function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let value = 0n
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined
    value = (value << 8n) | BigInt(Number(p))
  }
  return value
}

export function parseIpv6(text: string): bigint | undefined {
  let head = text
  // An embedded IPv4 address (::ffff:10.0.0.1) stands for the last two groups.
  const lastColon = head.lastIndexOf(':')
  if (lastColon >= 0 && head.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(head.slice(lastColon + 1))
    if (v4 === undefined) return undefined
    head = `${head.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`
  }
  const halves = head.split('::')
  if (halves.length > 2) return undefined
  const groups = (s: string) => (s === '' ? [] : s.split(':'))
  const left = groups(halves[0])
  const right = halves.length === 2 ? groups(halves[1]) : []
  const missing = 8 - left.length - right.length
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right]
  let value = 0n
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined
    value = (value << 16n) | BigInt(parseInt(g, 16))
  }
  return value
}

/** Parses `10.0.0.0/16`, `2600:1f18::/56`, or a bare address (a /32 or /128). Host bits are masked off. */
export function parseCidr(text: string): AddressRange | undefined {
  const [addr, prefixText, extra] = text.trim().split('/')
  if (extra !== undefined) return undefined
  const family: 4 | 6 = addr.includes(':') ? 6 : 4
  const bits = family === 4 ? 32 : 128
  const value = family === 4 ? parseIpv4(addr) : parseIpv6(addr)
  if (value === undefined) return undefined
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN
  if (!(prefix >= 0 && prefix <= bits)) return undefined
  const size = 1n << BigInt(bits - prefix)
  const start = value & ~(size - 1n) & ((1n << BigInt(bits)) - 1n)
  return {family, start, end: start + size - 1n}
}

/** Does `outer` contain every address of `inner` (a CIDR or an address)? Different families never contain each other. */
export function cidrContains(outer: string, inner: string): boolean {
  const a = parseCidr(outer)
  const b = parseCidr(inner)
  return !!a && !!b && a.family === b.family && a.start <= b.start && b.end <= a.end
}

/** Do two CIDRs share at least one address? */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a)
  const y = parseCidr(b)
  return !!x && !!y && rangesOverlap(x, y)
}

export function rangesOverlap(a: AddressRange, b: AddressRange): boolean {
  return a.family === b.family && a.start <= b.end && b.start <= a.end
}

/** The parts of `target` that none of `covering` contains (same family only), in ascending order. */
export function uncoveredRanges(target: AddressRange, covering: AddressRange[]): AddressRange[] {
  const sorted = covering.filter((c) => rangesOverlap(c, target)).sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0))
  const gaps: AddressRange[] = []
  let next = target.start
  for (const c of sorted) {
    if (c.start > next) gaps.push({family: target.family, start: next, end: c.start - 1n < target.end ? c.start - 1n : target.end})
    if (c.end + 1n > next) next = c.end + 1n
    if (next > target.end) break
  }
  if (next <= target.end) gaps.push({family: target.family, start: next, end: target.end})
  return gaps
}

export type Coverage = 'full' | 'partial' | 'none'

/** How much of `target` the union of `covering` contains. */
export function coverageOf(target: AddressRange, covering: AddressRange[]): Coverage {
  return coverageOfGaps(target, uncoveredRanges(target, covering))
}

/** How much of `target` is covered, given what uncoveredRanges leaves of it. */
export function coverageOfGaps(target: AddressRange, gaps: AddressRange[]): Coverage {
  if (gaps.length === 0) return 'full'
  return gaps.length === 1 && gaps[0].start === target.start && gaps[0].end === target.end ? 'none' : 'partial'
}

export function formatAddress(value: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.')
  const groups = Array.from({length: 8}, (_, i) => Number((value >> BigInt((7 - i) * 16)) & 0xffffn))
  // Compress the longest run of two or more zero groups, as RFC 5952 asks.
  let best = {at: -1, len: 0}
  for (let i = 0; i < 8; ) {
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > best.len && j - i >= 2) best = {at: i, len: j - i}
    i = j === i ? i + 1 : j
  }
  const hex = groups.map((g) => g.toString(16))
  if (best.at < 0) return hex.join(':')
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`
}

/** The smallest list of CIDR blocks that spells out a range exactly. */
export function rangeToCidrs(range: AddressRange): string[] {
  const bits = range.family === 4 ? 32 : 128
  const out: string[] = []
  let start = range.start
  while (start <= range.end) {
    let size = 0
    while (size < bits && (start & ((1n << BigInt(size + 1)) - 1n)) === 0n && start + (1n << BigInt(size + 1)) - 1n <= range.end) size++
    out.push(`${formatAddress(start, range.family)}/${bits - size}`)
    start += 1n << BigInt(size)
  }
  return out
}
