/**
 * Builds snapshots with an on-instance section from the sample outputs in test/fixtures/on-instance/, edited
 * line by line, on top of the healthy world.
 */
import {readFileSync} from 'node:fs'

import {AnalysisContext} from '../../../src/analyze/context.js'
import type {Finding, Rule, RuleOutcome} from '../../../src/rules/types.js'
import {outcomeReason} from '../../../src/rules/types.js'
import type {OnInstanceRun, OnInstanceSection} from '../../../src/snapshot/on-instance-types.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {parseDiagnosticOutput} from '../../../src/ssm/parse.js'
import {INSTANCE_IDS, TG_ARN, healthyWorld} from '../../fixtures/world.js'

export const PROBE_ID = 'HTTP:80:80:/health:200'

export const sample = (name: 'al2023-nginx-missing' | 'al2023-healthy' | 'ubuntu2204-nginx-bad-config-apache2'): string =>
  readFileSync(new URL(`../../fixtures/on-instance/${name}.txt`, import.meta.url), 'utf8')

/** Sets (or, with undefined, removes) `key=value` lines; `listen` and `log` replace every line of that key. */
export function edit(output: string, changes: Record<string, string | string[] | undefined>): string {
  let lines = output.split('\n')
  for (const [key, value] of Object.entries(changes)) {
    const at = lines.findIndex((l) => l.startsWith(`${key}=`))
    lines = lines.filter((l) => !l.startsWith(`${key}=`))
    if (value === undefined) continue
    const add = (Array.isArray(value) ? value : [value]).map((v) => `${key}=${v}`)
    lines.splice(at >= 0 ? at : lines.indexOf('end=1'), 0, ...add)
  }
  return lines.join('\n')
}

export const run = (instanceId: string, stdout: string, extra: Partial<OnInstanceRun> = {}): OnInstanceRun => {
  const parsed = parseDiagnosticOutput(stdout)
  return {instanceId, probeId: PROBE_ID, commandId: 'cmd-0a1b2c3d', status: 'Success', responseCode: 0, stdout, stderr: '', ...(parsed ? {parsed} : {}), ...extra}
}

export function section(runs: OnInstanceRun[]): OnInstanceSection {
  return {
    scriptVersion: 'ASGD1',
    timeoutMs: 90_000,
    probes: [{id: PROBE_ID, targetPort: 80, healthCheckPort: 80, healthCheckPath: '/health', healthCheckProtocol: 'HTTP', matcher: '200', targetGroupArns: [TG_ARN]}],
    runs,
  }
}

/**
 * The healthy world, every instance answering with `output` (one string for all, or one per instance). Target health
 * agrees with what the instance says: healthy where its health request got 200, unhealthy elsewhere, as the ALB
 * would see it.
 */
export function worldWith(output: string | string[], change?: (w: Snapshot) => void): Snapshot {
  const w = healthyWorld()
  w.onInstance = section(INSTANCE_IDS.map((id, i) => run(id, Array.isArray(output) ? output[i] : output)))
  w.elbv2.TargetHealthDescriptions[TG_ARN] = w.onInstance.runs.map((r) => ({
    Target: {Id: r.instanceId, Port: 80},
    HealthCheckPort: '80',
    TargetHealth: r.parsed?.healthProbe?.statusCode === 200 ? {State: 'healthy'} : {State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed'},
  }))
  change?.(w)
  return w
}

export function findings(rule: Rule, snapshot: Snapshot): Finding[] {
  const out: RuleOutcome = rule.check(new AnalysisContext(snapshot))
  if (!Array.isArray(out)) throw new Error(`not applicable: ${outcomeReason(out)}`)
  return out
}

export const outcome = (rule: Rule, snapshot: Snapshot): RuleOutcome => rule.check(new AnalysisContext(snapshot))
