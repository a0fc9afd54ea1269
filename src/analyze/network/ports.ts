/**
 * Ports and protocols of a TCP flow, and the verdict every network control (security group, NACL) returns for one.
 */

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

/** What a network control decides about a flow: `partial` when it lets only some addresses or ports through. */
export type Verdict = 'allowed' | 'denied' | 'partial' | 'unknown'

/** Protocol `-1` (or `all`, or none given) stands for every protocol and port. */
export const isAllProtocols = (p: string | undefined) => p === undefined || p === '-1' || p.toLowerCase() === 'all'
export const isTcp = (p: string | undefined) => p !== undefined && (p === '6' || p.toLowerCase() === 'tcp')
