/**
 * Security groups, evaluated the way AWS does: stateful, allow-only, the union of every group on an interface.
 * No I/O: the network rules and the SSM-readiness checks build on these.
 */
import type {IpPermission, PrefixListEntry, SecurityGroup} from '@aws-sdk/client-ec2'
import type {J} from '../context.js'
import {coverageOfGaps, parseCidr, rangeToCidrs, rangesOverlap, uncoveredRanges} from './cidr.js'
import type {AddressRange, Coverage} from './cidr.js'
import {formatPorts, isAllProtocols, isTcp} from './ports.js'
import type {Verdict} from './ports.js'

export type Direction = 'ingress' | 'egress'

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

interface RangeMatch {
  range: AddressRange
  match: SgRuleMatch
}

/** What one group's rules say about one direction and port, whoever the peer is. */
interface GroupScan {
  /** Group references, each with the rule that names it. */
  pairs: {groupId: string; match: SgRuleMatch}[]
  ranges: RangeMatch[]
  unresolved: string[]
}

type Permissions = J<IpPermission>[]

/**
 * Scans are kept per prefix-list lookup (one per analysis) and rule list: a rule asks the same groups about every
 * one of thousands of instances, and only the peer changes. Keyed by the list, so a group given new rules (a test's
 * what-if) is scanned again.
 */
const scans = new WeakMap<PrefixListLookup, WeakMap<Permissions, Map<string, GroupScan>>>()
const NO_PERMISSIONS: Permissions = []

function scanGroup(g: J<SecurityGroup>, direction: Direction, port: number, lookup: PrefixListLookup): GroupScan {
  const permissions = (direction === 'ingress' ? g.IpPermissions : g.IpPermissionsEgress) ?? NO_PERMISSIONS
  const byList = scans.get(lookup) ?? new WeakMap<Permissions, Map<string, GroupScan>>()
  scans.set(lookup, byList)
  const byQuery = byList.get(permissions) ?? new Map<string, GroupScan>()
  byList.set(permissions, byQuery)
  // The matches name the group and the direction: part of the key, whatever shares the list.
  const key = `${g.GroupId}|${direction}|${port}`
  const known = byQuery.get(key)
  if (known) return known
  const scan: GroupScan = {pairs: [], ranges: [], unresolved: []}
  for (const p of permissions) {
    if (!permissionAllowsTcpPort(p, port)) continue
    const match = (via: string): SgRuleMatch => ({groupId: g.GroupId ?? '?', direction, permission: p, via, text: describePermission(g.GroupId ?? '?', direction, p, via)})
    for (const pair of p.UserIdGroupPairs ?? []) if (pair.GroupId) scan.pairs.push({groupId: pair.GroupId, match: match(pair.GroupId)})
    const addRange = (cidr: string | undefined, via: string) => {
      const range = cidr ? parseCidr(cidr) : undefined
      if (range) scan.ranges.push({range, match: match(via)})
    }
    for (const r of p.IpRanges ?? []) addRange(r.CidrIp, r.CidrIp ?? '?')
    for (const r of p.Ipv6Ranges ?? []) addRange(r.CidrIpv6, r.CidrIpv6 ?? '?')
    for (const pl of p.PrefixListIds ?? []) {
      if (!pl.PrefixListId) continue
      const entries = lookup.prefixListEntries(pl.PrefixListId)
      if (!entries) scan.unresolved.push(pl.PrefixListId)
      for (const e of entries ?? []) addRange(e.Cidr, `${pl.PrefixListId} (${e.Cidr})`)
    }
  }
  byQuery.set(key, scan)
  return scan
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
  const ranges: RangeMatch[] = []
  const unresolved = new Set<string>()
  for (const g of groups) {
    const scan = scanGroup(g, direction, port, lookup)
    for (const {groupId, match} of scan.pairs) if (peer.groupIds.includes(groupId)) byGroup.push(match)
    ranges.push(...scan.ranges)
    for (const id of scan.unresolved) unresolved.add(id)
  }
  const cidrs = peer.cidrs.map(({cidr, label}): CidrVerdict => {
    const target = parseCidr(cidr)
    if (!target) return {cidr, label, coverage: unresolved.size > 0 ? 'unknown' : 'none', matches: [], uncovered: [cidr]}
    const relevant = ranges.filter((r) => rangesOverlap(r.range, target))
    const gaps = uncoveredRanges(target, relevant.map((r) => r.range))
    let coverage: CidrVerdict['coverage'] = coverageOfGaps(target, gaps)
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
