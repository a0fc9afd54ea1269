/**
 * Planning the changes a remediation proposes, so that its printed commands can be run as they are.
 */
import type {NetworkAcl} from '@aws-sdk/client-ec2'
import type {J} from '../context.js'
import {NACL_DEFAULT_RULE} from './nacl.js'

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
