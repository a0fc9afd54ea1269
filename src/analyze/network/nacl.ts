/**
 * Network ACLs, evaluated the way AWS does: stateless, numbered entries in ascending order, the first match decides,
 * the implicit `*` entry denies the rest; and a whole TCP connection through the NACLs of both subnets. No I/O.
 */
import type {NetworkAcl, NetworkAclEntry} from '@aws-sdk/client-ec2'
import type {J} from '../context.js'
import {parseCidr, rangeToCidrs, rangesOverlap} from './cidr.js'
import type {AddressRange} from './cidr.js'
import {ALL_PORTS, EPHEMERAL_PORTS, formatPorts, isAllProtocols, isTcp} from './ports.js'
import type {PortRange, Verdict} from './ports.js'

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

interface TcpEntry {
  entry: J<NetworkAclEntry>
  rect: Rect
  action: 'allow' | 'deny'
}

/**
 * Parsed once per entry list and direction: a rule evaluates one ACL for every instance behind it. Keyed by the
 * list itself, so an ACL given new entries (a test's what-if) is parsed again.
 */
const tcpEntriesByList = new WeakMap<NonNullable<J<NetworkAcl>['Entries']>, {egress: TcpEntry[]; ingress: TcpEntry[]}>()
const NO_ENTRIES: NonNullable<J<NetworkAcl>['Entries']> = []

/** The entries of one direction that can match TCP, in the order AWS evaluates them, with their addresses and ports parsed. */
function tcpEntries(acl: J<NetworkAcl>, egress: boolean): TcpEntry[] {
  const list = acl.Entries ?? NO_ENTRIES
  let parsed = tcpEntriesByList.get(list)
  if (!parsed) {
    const direction = (out: boolean): TcpEntry[] =>
      list
        .filter((e) => !!e.Egress === out)
        .sort((x, y) => (x.RuleNumber ?? NACL_DEFAULT_RULE) - (y.RuleNumber ?? NACL_DEFAULT_RULE))
        .flatMap((e) => {
          if (!isAllProtocols(e.Protocol) && !isTcp(e.Protocol)) return []
          const range = parseCidr(e.CidrBlock ?? e.Ipv6CidrBlock ?? '')
          if (!range) return []
          const ports = isAllProtocols(e.Protocol) || !e.PortRange ? ALL_PORTS : {from: e.PortRange.From ?? 0, to: e.PortRange.To ?? 65535}
          return [{entry: e, rect: {a: range, p: ports}, action: String(e.RuleAction).toLowerCase() === 'allow' ? ('allow' as const) : ('deny' as const)}]
        })
    parsed = {egress: direction(true), ingress: direction(false)}
    tcpEntriesByList.set(list, parsed)
  }
  return egress ? parsed.egress : parsed.ingress
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
  let remaining: Rect[] = [{a: target, p: query.ports}]
  const pieces: NaclPiece[] = []
  for (const {entry: e, rect, action} of tcpEntries(acl, query.egress)) {
    const next: Rect[] = []
    for (const r of remaining) {
      const hit = intersectRect(r, rect)
      if (!hit) {
        next.push(r)
        continue
      }
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

/**
 * evaluateNacl with a memory, for one rule's walk over every target: the ALB's nodes and the instances of a subnet
 * meet the same ACLs with the same queries thousands of times. Scope it to the walk, so its verdicts go with it.
 */
export function naclEvaluator(): typeof evaluateNacl {
  const seen = new Map<NonNullable<J<NetworkAcl>['Entries']>, Map<string, NaclVerdict>>()
  return (acl, query) => {
    const list = acl.Entries ?? NO_ENTRIES
    const byQuery = seen.get(list) ?? new Map<string, NaclVerdict>()
    seen.set(list, byQuery)
    // The ACL's id is in the verdict: two ACL objects that share one entry list must not share verdicts.
    const key = `${acl.NetworkAclId}|${query.egress}|${query.peerCidr}|${query.ports.from}-${query.ports.to}`
    let verdict = byQuery.get(key)
    if (!verdict) byQuery.set(key, (verdict = evaluateNacl(acl, query)))
    return verdict
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
 * `evaluate`: a naclEvaluator() when walking many flows.
 */
export function evaluateNaclFlow(
  source: FlowEnd,
  destination: FlowEnd,
  port: number,
  replyPorts: PortRange = EPHEMERAL_PORTS,
  evaluate: typeof evaluateNacl = evaluateNacl,
): NaclFlowVerdict {
  if (source.subnetId !== undefined && source.subnetId === destination.subnetId) return {verdict: 'allowed', sameSubnet: true, legs: []}
  const leg = (name: NaclLeg, end: FlowEnd, egress: boolean, peer: FlowEnd, ports: PortRange): NaclLegVerdict => ({
    leg: name,
    subnetId: end.subnetId,
    verdict: end.acl ? evaluate(end.acl, {egress, peerCidr: peer.cidr, ports}) : undefined,
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
