/**
 * nginx-not-installed: the reference incident. No nginx binary on the instance and nothing there answers the
 * health check, so every health check fails and the ALB answers 502. Proven on the instance, so it leads the
 * report: it explains the unhealthy targets and the launch template finding that only suspects it.
 */
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Rule} from '../types.js'
import {
  PERSIST_NOTE, answers, asSudo, byPackageManager, fleetFix, idList, ids, installSteps, instancesFix, osLabel, perProbe, probeResult, refsFor, targetHealthRefs, tgNames,
} from './util.js'

const ID = 'nginx-not-installed'

function check(ctx: AnalysisContext) {
  return perProbe(ctx, (probe, checked): Finding[] => {
    // Something else serving the health check (locally, or to the ALB) is a deliberate choice of web server, not this fault.
    const missing = checked.filter((c) => !c.parsed.nginx.installed && !answers(ctx, c))
    if (missing.length === 0) return []
    const list = ids(missing)
    const groups = byPackageManager(missing)
    return [
      ctx.finding(ID, {
        message:
          `nginx is not installed on ${missing.length} of ${checked.length} checked instances of ${tgNames(probe)} (${idList(list)}): ` +
          `nothing answers the ALB's health check ${probe.healthCheckPath} on port ${probe.healthCheckPort}`,
        resources: [...list, ...probe.targetGroupArns],
        evidence: missing.map(
          (c) =>
            `${c.run.instanceId} (${osLabel(c.parsed)}): no nginx binary; ${c.parsed.nginx.statusLine ?? 'no nginx unit'}; ` +
            `GET ${probe.healthCheckPath} on port ${probe.healthCheckPort} → ${probeResult(c)}`,
        ),
        data: {instanceIds: list, checked: checked.length, targetGroupArns: probe.targetGroupArns, probe: probe.id},
        remediation: {
          summary:
            `Install nginx, serve ${probe.healthCheckPath} on port ${probe.healthCheckPort} as the default server and start nginx at boot on the instances: ` +
            `fix-nginx does all of it through SSM; by hand, the commands before it install and start the package. ${PERSIST_NOTE}`,
          commands: [
            ...groups.map((g) => asSudo(installSteps(g[0].parsed))),
            instancesFix(ctx, list),
            ...fleetFix(ctx),
          ],
        },
        explains: [
          ...targetHealthRefs(probe),
          {ruleId: 'launch-template-no-web-server'},
          ...refsFor('nothing-listening-on-port', list),
          ...refsFor('health-path-local-failure', list),
        ],
      }),
    ]
  })
}

export const rule: Rule = {id: ID, check}
