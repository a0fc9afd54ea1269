/** Small helpers for the health rule tests: run one rule on a snapshot, and break a healthy world in one place. */
import {gzipSync} from 'node:zlib'
import {AnalysisContext} from '../../../src/analyze/context.js'
import type {Finding, Rule} from '../../../src/rules/types.js'
import {outcomeReason} from '../../../src/rules/types.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {INSTANCE_IDS, TG_ARN} from '../../fixtures/world.js'

export function run(rule: Rule, snapshot: Snapshot): Finding[] {
  const outcome = rule.check(new AnalysisContext(snapshot))
  if (!Array.isArray(outcome)) throw new Error(`${rule.id} did not apply: ${outcomeReason(outcome)}`)
  return outcome
}

export interface Health {
  State: string
  Reason?: string
  Description?: string
}

/** Sets the target health of the world's three instances, in order. */
export function setHealth(w: Snapshot, states: Health[], tgArn = TG_ARN): void {
  w.elbv2.TargetHealthDescriptions[tgArn] = states.map((s, i) => ({
    Target: {Id: INSTANCE_IDS[i], Port: 80},
    HealthCheckPort: '80',
    TargetHealth: s as never,
  }))
}

export const FAILED: Health = {State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed'}
export const TIMEOUT: Health = {State: 'unhealthy', Reason: 'Target.Timeout', Description: 'Request timed out'}
export const HEALTHY: Health = {State: 'healthy'}
export const mismatch = (code: number): Health => ({
  State: 'unhealthy',
  Reason: 'Target.ResponseCodeMismatch',
  Description: `Health checks failed with these codes: [${code}]`,
})

export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64')
export const b64gz = (s: string): string => gzipSync(Buffer.from(s, 'utf8')).toString('base64')

export function setUserData(w: Snapshot, text: string | undefined, encode: (s: string) => string = b64): void {
  const data = w.ec2.LaunchTemplateVersions[0].LaunchTemplateData!
  if (text === undefined) delete data.UserData
  else data.UserData = encode(text)
}
