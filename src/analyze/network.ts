/**
 * Pure evaluation of AWS network controls, the way AWS itself evaluates them: security groups (stateful, allow-only,
 * the union of every group on the interface), network ACLs (stateless, numbered entries, first match wins) and
 * route tables. No I/O and no external dependency: the network rules and the SSM-readiness checks build on these.
 */
import type {IpPermission, NetworkAcl, NetworkAclEntry, PrefixListEntry, Route, RouteTable, SecurityGroup} from '@aws-sdk/client-ec2'
import type {J} from './context.js'

// ---- addresses and CIDRs ------------------------------------------------------------------------------------

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
  const gaps = uncoveredRanges(target, covering)
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

// ---- ports ---------------------------------------------------------------------------------------------------

export interface PortRange {
  from: number
  to: number
}

/** The source ports an ALB node uses, to which the targets' replies must come back: all of 1024-65535. */
export const EPHEMERAL_PORTS: PortRange = {from: 1024, to: 65535}
export const ALL_PORTS: PortRange = {from: 0, to: 65535}

export function formatPorts(r: PortRange): string {
  return r.from === r.to ? String(r.from) : r.from === 0 && r.to === 65535 ? 'all ports' : `${r.from}-${r.to}`
}

const isAllProtocols = (p: string | undefined) => p === undefined || p === '-1' || p.toLowerCase() === 'all'
const isTcp = (p: string | undefined) => p !== undefined && (p === '6' || p.toLowerCase() === 'tcp')

// ---- security groups -----------------------------------------------------------------------------------------

export type Direction = 'ingress' | 'egress'
export type Verdict = 'allowed' | 'denied' | 'partial' | 'unknown'

/** The other end of a flow, as a security group sees it. */
export interface Peer {
  /** Groups the peer's interfaces belong to: a rule that references any of them admits the peer. */
  groupIds: string[]
  /** Addresses the peer may use (an ALB node takes any IP of its subnet): each must be covered in full. */
  cidrs: {cidr: string; label?: string}[]
}

/** One security-group rule that admits (part of) a flow: the evidence behind a verdict. */
export interface SgRuleMatch {
  groupId: string
  direction: Direction
  permission: J<IpPermission>
  /** What in the rule matched: `sg-0alb…`, `10.0.0.0/16`, `pl-0abc (10.0.0.0/24)`. */
  via: string
  /** Readable: `sg-0web… ingress tcp 80 from sg-0alb…`. */
  text: string
}

export interface CidrVerdict {
  cidr: string
  label?: string
  /** `unknown`: not covered by what we can resolve, but a prefix list we could not read might cover it. */
  coverage: Coverage | 'unknown'
  matches: SgRuleMatch[]
  /** The addresses of the CIDR no rule admits, as CIDRs. */
  uncovered: string[]
}

export interface SgVerdict {
  verdict: Verdict
  direction: Direction
  port: number
  /** The groups evaluated (their union applies). */
  groupIds: string[]
  /** Rules admitting the peer by group membership; non-empty means allowed whatever the addresses. */
  byGroup: SgRuleMatch[]
  cidrs: CidrVerdict[]
  /** Prefix lists on rules for this port whose entries were not collected. */
  unresolvedPrefixLists: string[]
}

export interface PrefixListLookup {
  prefixListEntries(prefixListId: string): J<PrefixListEntry>[] | undefined
}

/** Does a security-group rule apply to TCP port `port`? Protocol -1 means every protocol and port. */
export function permissionAllowsTcpPort(p: J<IpPermission>, port: number): boolean {
  if (isAllProtocols(p.IpProtocol)) return true
  if (!isTcp(p.IpProtocol)) return false
  const from = p.FromPort === undefined || p.FromPort === -1 ? 0 : p.FromPort
  const to = p.ToPort === undefined || p.ToPort === -1 ? 65535 : p.ToPort
  return from <= port && port <= to
}

export function describePermission(groupId: string, direction: Direction, p: J<IpPermission>, via: string): string {
  const proto = isAllProtocols(p.IpProtocol)
    ? 'all traffic'
    : `${isTcp(p.IpProtocol) ? 'tcp' : p.IpProtocol} ${formatPorts({from: p.FromPort ?? 0, to: p.ToPort ?? 65535})}`
  return `${groupId} ${direction} ${proto} ${direction === 'ingress' ? 'from' : 'to'} ${via}`
}

/**
 * Does the union of `groups` let TCP `port` in from (ingress) or out to (egress) `peer`? Allowed when a rule
 * references one of the peer's groups, or when the rules' address ranges together cover every peer CIDR in full;
 * partial when some peer CIDRs (or parts of them) are left out; unknown when only an unreadable prefix list could
 * still cover them. Security groups are stateful, so the reply direction needs no rule.
 */
export function evaluateSecurityGroups(
  groups: J<SecurityGroup>[],
  direction: Direction,
  port: number,
  peer: Peer,
  lookup: PrefixListLookup,
): SgVerdict {
  const byGroup: SgRuleMatch[] = []
  const ranges: {range: AddressRange; match: SgRuleMatch}[] = []
  const unresolved = new Set<string>()
  for (const g of groups) {
    for (const p of (direction === 'ingress' ? g.IpPermissions : g.IpPermissionsEgress) ?? []) {
      if (!permissionAllowsTcpPort(p, port)) continue
      const match = (via: string): SgRuleMatch => ({groupId: g.GroupId ?? '?', direction, permission: p, via, text: describePermission(g.GroupId ?? '?', direction, p, via)})
      for (const pair of p.UserIdGroupPairs ?? []) if (pair.GroupId && peer.groupIds.includes(pair.GroupId)) byGroup.push(match(pair.GroupId))
      const addRange = (cidr: string | undefined, via: string) => {
        const range = cidr ? parseCidr(cidr) : undefined
        if (range) ranges.push({range, match: match(via)})
      }
      for (const r of p.IpRanges ?? []) addRange(r.CidrIp, r.CidrIp ?? '?')
      for (const r of p.Ipv6Ranges ?? []) addRange(r.CidrIpv6, r.CidrIpv6 ?? '?')
      for (const pl of p.PrefixListIds ?? []) {
        if (!pl.PrefixListId) continue
        const entries = lookup.prefixListEntries(pl.PrefixListId)
        if (!entries) unresolved.add(pl.PrefixListId)
        for (const e of entries ?? []) addRange(e.Cidr, `${pl.PrefixListId} (${e.Cidr})`)
      }
    }
  }
  const cidrs = peer.cidrs.map(({cidr, label}): CidrVerdict => {
    const target = parseCidr(cidr)
    if (!target) return {cidr, label, coverage: unresolved.size > 0 ? 'unknown' : 'none', matches: [], uncovered: [cidr]}
    const relevant = ranges.filter((r) => rangesOverlap(r.range, target))
    const gaps = uncoveredRanges(target, relevant.map((r) => r.range))
    let coverage: CidrVerdict['coverage'] = coverageOf(target, relevant.map((r) => r.range))
    if (coverage !== 'full' && unresolved.size > 0) coverage = 'unknown'
    return {cidr, label, coverage, matches: relevant.map((r) => r.match), uncovered: gaps.flatMap(rangeToCidrs)}
  })
  return {
    verdict: byGroup.length > 0 ? 'allowed' : combineCoverage(cidrs.map((c) => c.coverage)),
    direction,
    port,
    groupIds: groups.map((g) => g.GroupId ?? '?'),
    byGroup,
    cidrs,
    unresolvedPrefixLists: [...unresolved],
  }
}

function combineCoverage(list: CidrVerdict['coverage'][]): Verdict {
  if (list.length === 0) return 'denied'
  if (list.every((c) => c === 'full')) return 'allowed'
  if (list.some((c) => c === 'full') && list.some((c) => c === 'none' || c === 'partial')) return 'partial'
  if (list.some((c) => c === 'unknown')) return 'unknown'
  return list.some((c) => c === 'partial') ? 'partial' : 'denied'
}

/** The peer CIDRs a verdict leaves out (in whole or in part), e.g. the ALB subnets whose nodes are cut off. */
export function cutOff(v: SgVerdict): CidrVerdict[] {
  return v.byGroup.length > 0 ? [] : v.cidrs.filter((c) => c.coverage !== 'full')
}

/** The rules behind a verdict, for evidence: the group references, else the address rules. */
export function sgEvidence(v: SgVerdict): string[] {
  if (v.byGroup.length > 0) return v.byGroup.map((m) => m.text)
  return [...new Set(v.cidrs.flatMap((c) => c.matches.map((m) => m.text)))]
}

/** One sentence for a verdict, e.g. `sg-web admits tcp 80 from sg-alb (sg-web ingress tcp 80 from sg-alb)`. */
export function describeSgVerdict(v: SgVerdict): string {
  const groups = v.groupIds.join(', ')
  const one = v.groupIds.length === 1
  const base = v.direction === 'ingress' ? 'admit' : 'let out'
  const verb = !one ? base : v.direction === 'ingress' ? 'admits' : 'lets out'
  const rules = sgEvidence(v)
  const lost = cutOff(v).map((c) => `${c.label ? `${c.label} ` : ''}${c.coverage === 'partial' ? c.uncovered.join(', ') : c.cidr}`)
  switch (v.verdict) {
    case 'allowed':
      return `${groups} ${verb} tcp ${v.port} (${rules.join('; ')})`
    case 'partial':
      return `${groups} ${verb} tcp ${v.port} only in part: ${lost.join('; ')} left out`
    case 'unknown':
      return `cannot tell whether ${groups} ${verb} tcp ${v.port}: prefix list ${v.unresolvedPrefixLists.join(', ')} was not collected`
    default:
      return `${groups} ${one ? 'does' : 'do'} not ${base} tcp ${v.port}${rules.length > 0 ? ` to all of it (${rules.join('; ')})` : ''}`
  }
}

// ---- network ACLs --------------------------------------------------------------------------------------------

/** The implicit last entry of every NACL, shown as `*` by the console: deny everything. */
export const NACL_DEFAULT_RULE = 32767

/** A slice of a queried flow (addresses × ports) and the entry that decides it. */
export interface NaclPiece {
  addresses: string[]
  ports: PortRange
  action: 'allow' | 'deny'
  ruleNumber: number
  entry?: J<NetworkAclEntry>
}

export interface NaclVerdict {
  verdict: Verdict
  networkAclId: string
  egress: boolean
  /** The far end's addresses (destination when egress, source when ingress). */
  peerCidr: string
  ports: PortRange
  /** Every slice of the query, with its deciding entry, in ascending rule order. */
  pieces: NaclPiece[]
  /** The ports of the query that some entry denies, merged. */
  deniedPorts: PortRange[]
  allowedPorts: PortRange[]
  /** Rule numbers of the entries that deny some of the query (32767 is the implicit `*`). */
  denyingRules: number[]
}

export function formatRuleNumber(n: number): string {
  return n >= NACL_DEFAULT_RULE ? '*' : String(n)
}

interface Rect {
  a: AddressRange
  p: PortRange
}

/** R minus I, where I lies inside R: up to four rectangles. */
function subtractRect(r: Rect, i: Rect): Rect[] {
  const out: Rect[] = []
  if (r.a.start < i.a.start) out.push({a: {...r.a, end: i.a.start - 1n}, p: r.p})
  if (i.a.end < r.a.end) out.push({a: {...r.a, start: i.a.end + 1n}, p: r.p})
  if (r.p.from < i.p.from) out.push({a: i.a, p: {from: r.p.from, to: i.p.from - 1}})
  if (i.p.to < r.p.to) out.push({a: i.a, p: {from: i.p.to + 1, to: r.p.to}})
  return out
}

function intersectRect(r: Rect, e: Rect): Rect | undefined {
  if (!rangesOverlap(r.a, e.a)) return undefined
  const from = Math.max(r.p.from, e.p.from)
  const to = Math.min(r.p.to, e.p.to)
  if (from > to) return undefined
  return {a: {family: r.a.family, start: r.a.start > e.a.start ? r.a.start : e.a.start, end: r.a.end < e.a.end ? r.a.end : e.a.end}, p: {from, to}}
}

function mergePorts(list: PortRange[]): PortRange[] {
  const sorted = [...list].sort((x, y) => x.from - y.from)
  const out: PortRange[] = []
  for (const r of sorted) {
    const last = out.at(-1)
    if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to)
    else out.push({...r})
  }
  return out
}

/**
 * Decides a TCP flow through one NACL in one direction, as AWS does: entries in ascending rule number, the first
 * whose protocol, port range and CIDR match a packet decides it, `*` denies the rest. The query covers a block of
 * addresses and a range of ports at once, so the answer can be partial (e.g. replies on 32768-60999 allowed,
 * the rest of 1024-65535 denied), and each slice names its deciding entry.
 */
export function evaluateNacl(acl: J<NetworkAcl>, query: {egress: boolean; peerCidr: string; ports: PortRange}): NaclVerdict {
  const base = {networkAclId: acl.NetworkAclId ?? '?', egress: query.egress, peerCidr: query.peerCidr, ports: query.ports}
  const target = parseCidr(query.peerCidr)
  if (!target) return {...base, verdict: 'unknown', pieces: [], deniedPorts: [], allowedPorts: [], denyingRules: []}
  const entries = (acl.Entries ?? [])
    .filter((e) => !!e.Egress === query.egress)
    .sort((x, y) => (x.RuleNumber ?? NACL_DEFAULT_RULE) - (y.RuleNumber ?? NACL_DEFAULT_RULE))
  let remaining: Rect[] = [{a: target, p: query.ports}]
  const pieces: NaclPiece[] = []
  for (const e of entries) {
    if (!isAllProtocols(e.Protocol) && !isTcp(e.Protocol)) continue
    const range = parseCidr(e.CidrBlock ?? e.Ipv6CidrBlock ?? '')
    if (!range) continue
    const ports = isAllProtocols(e.Protocol) || !e.PortRange ? ALL_PORTS : {from: e.PortRange.From ?? 0, to: e.PortRange.To ?? 65535}
    const next: Rect[] = []
    for (const r of remaining) {
      const hit = intersectRect(r, {a: range, p: ports})
      if (!hit) {
        next.push(r)
        continue
      }
      const action = String(e.RuleAction).toLowerCase() === 'allow' ? 'allow' : 'deny'
      pieces.push({addresses: rangeToCidrs(hit.a), ports: hit.p, action, ruleNumber: e.RuleNumber ?? NACL_DEFAULT_RULE, entry: e})
      next.push(...subtractRect(r, hit))
    }
    remaining = next
    if (remaining.length === 0) break
  }
  // Whatever no listed entry matched falls to the implicit `*` deny, even if the snapshot omits it.
  for (const r of remaining) pieces.push({addresses: rangeToCidrs(r.a), ports: r.p, action: 'deny', ruleNumber: NACL_DEFAULT_RULE})
  const allowed = pieces.filter((p) => p.action === 'allow')
  const denied = pieces.filter((p) => p.action === 'deny')
  return {
    ...base,
    verdict: denied.length === 0 ? 'allowed' : allowed.length === 0 ? 'denied' : 'partial',
    pieces,
    deniedPorts: mergePorts(denied.map((p) => p.ports)),
    allowedPorts: mergePorts(allowed.map((p) => p.ports)),
    denyingRules: [...new Set(denied.map((p) => p.ruleNumber))].sort((x, y) => x - y),
  }
}

/** One sentence on what a NACL verdict denies and why: `ports 1024-32767, 61000-65535 hit entry * (deny); ...`. */
export function describeNaclVerdict(v: NaclVerdict): string {
  const way = v.egress ? `outbound to ${v.peerCidr}` : `inbound from ${v.peerCidr}`
  if (v.verdict === 'allowed') return `${v.networkAclId} allows tcp ${formatPorts(v.ports)} ${way} (entry ${v.pieces.map((p) => formatRuleNumber(p.ruleNumber)).join(', ')})`
  const denied = v.pieces
    .filter((p) => p.action === 'deny')
    .map((p) => `tcp ${formatPorts(p.ports)} hits entry ${formatRuleNumber(p.ruleNumber)} (deny)`)
  const allowed = v.pieces.filter((p) => p.action === 'allow').map((p) => `${formatPorts(p.ports)} (entry ${formatRuleNumber(p.ruleNumber)})`)
  return `${v.networkAclId} ${way}: ${[...new Set(denied)].join('; ')}${allowed.length > 0 ? `; only ${[...new Set(allowed)].join(', ')} is allowed` : ''}`
}

export type NaclLeg = 'request-out' | 'request-in' | 'reply-out' | 'reply-in'

export interface FlowEnd {
  subnetId?: string
  acl?: J<NetworkAcl>
  /** The end's addresses: an IP, or a subnet's CIDR when the exact IP is not known (an ALB node). */
  cidr: string
}

export interface NaclLegVerdict {
  leg: NaclLeg
  /** The subnet whose NACL decides this leg. */
  subnetId?: string
  verdict: NaclVerdict | undefined
}

export interface NaclFlowVerdict {
  verdict: Verdict
  /** True when both ends share a subnet: NACLs only filter traffic that crosses a subnet boundary. */
  sameSubnet: boolean
  legs: NaclLegVerdict[]
}

/**
 * Evaluates a TCP connection from `source` to `destination` on `port` through both NACLs: the request out of the
 * source subnet and into the destination subnet, and the replies back to the source's ephemeral port (1024-65535
 * unless told otherwise), which a stateless NACL must allow explicitly. A missing NACL makes its legs unknown.
 */
export function evaluateNaclFlow(source: FlowEnd, destination: FlowEnd, port: number, replyPorts: PortRange = EPHEMERAL_PORTS): NaclFlowVerdict {
  if (source.subnetId !== undefined && source.subnetId === destination.subnetId) return {verdict: 'allowed', sameSubnet: true, legs: []}
  const leg = (name: NaclLeg, end: FlowEnd, egress: boolean, peer: FlowEnd, ports: PortRange): NaclLegVerdict => ({
    leg: name,
    subnetId: end.subnetId,
    verdict: end.acl ? evaluateNacl(end.acl, {egress, peerCidr: peer.cidr, ports}) : undefined,
  })
  const request = {from: port, to: port}
  const legs = [
    leg('request-out', source, true, destination, request),
    leg('request-in', destination, false, source, request),
    leg('reply-out', destination, true, source, replyPorts),
    leg('reply-in', source, false, destination, replyPorts),
  ]
  const verdicts = legs.map((l) => l.verdict?.verdict ?? 'unknown')
  const verdict: Verdict = verdicts.includes('denied')
    ? 'denied'
    : verdicts.includes('partial')
      ? 'partial'
      : verdicts.includes('unknown')
        ? 'unknown'
        : 'allowed'
  return {verdict, sameSubnet: false, legs}
}

/**
 * Free rule numbers for new entries that must take effect before entry `below`: unused in that direction,
 * preferring multiples of 10 just under it (or, before the implicit `*`, the next hundreds after the last entry).
 * `reserved` holds numbers already proposed for the same NACL and direction by another remediation.
 */
export function freeNaclRuleNumbers(acl: J<NetworkAcl>, egress: boolean, below: number, count: number, reserved: number[] = []): number[] {
  const used = new Set<number | undefined>([...(acl.Entries ?? []).filter((e) => !!e.Egress === egress).map((e) => e.RuleNumber), ...reserved])
  const candidates: number[] = []
  if (below >= NACL_DEFAULT_RULE) {
    const last = Math.max(0, ...[...used].filter((n): n is number => n !== undefined && n < NACL_DEFAULT_RULE))
    for (let n = (Math.floor(last / 100) + 1) * 100; n < NACL_DEFAULT_RULE; n += 100) candidates.push(n)
  }
  for (let n = Math.floor((Math.min(below, NACL_DEFAULT_RULE) - 1) / 10) * 10; n >= 10; n -= 10) candidates.push(n)
  for (let n = Math.min(below, NACL_DEFAULT_RULE) - 1; n >= 1; n--) candidates.push(n)
  const out: number[] = []
  for (const n of candidates) {
    if (out.length === count) break
    if (!used.has(n) && !out.includes(n) && n < below) out.push(n)
  }
  return out
}

// ---- routes --------------------------------------------------------------------------------------------------

export type RouteTargetKind =
  | 'internet-gateway'
  | 'nat-gateway'
  | 'instance'
  | 'network-interface'
  | 'transit-gateway'
  | 'vpc-endpoint'
  | 'vpc-peering'
  | 'egress-only-internet-gateway'
  | 'local'
  | 'other'

export interface RouteTarget {
  kind: RouteTargetKind
  id: string
}

export function routeTarget(r: J<Route>): RouteTarget {
  if (r.NatGatewayId) return {kind: 'nat-gateway', id: r.NatGatewayId}
  if (r.TransitGatewayId) return {kind: 'transit-gateway', id: r.TransitGatewayId}
  if (r.InstanceId) return {kind: 'instance', id: r.InstanceId}
  if (r.NetworkInterfaceId) return {kind: 'network-interface', id: r.NetworkInterfaceId}
  if (r.VpcPeeringConnectionId) return {kind: 'vpc-peering', id: r.VpcPeeringConnectionId}
  if (r.EgressOnlyInternetGatewayId) return {kind: 'egress-only-internet-gateway', id: r.EgressOnlyInternetGatewayId}
  const gw = r.GatewayId ?? r.CoreNetworkArn ?? r.CarrierGatewayId ?? r.LocalGatewayId ?? '?'
  if (gw === 'local') return {kind: 'local', id: gw}
  if (gw.startsWith('igw-')) return {kind: 'internet-gateway', id: gw}
  if (gw.startsWith('vpce-')) return {kind: 'vpc-endpoint', id: gw}
  return {kind: 'other', id: gw}
}

/** The IPv4 default route (0.0.0.0/0) of a route table, if any. */
export function defaultRoute(rt: J<RouteTable> | undefined): J<Route> | undefined {
  return rt?.Routes?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')
}

export function isBlackhole(r: J<Route>): boolean {
  return String(r.State ?? '').toLowerCase() === 'blackhole'
}
