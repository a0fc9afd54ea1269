/**
 * nginx-not-enabled: nginx is installed but systemd will not start it at boot. It may serve now; after a reboot
 * (or on a new instance from a template that starts it by hand) it will not.
 */
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Rule} from '../types.js'
import {PERSIST_NOTE, idList, ids, perProbe, sendCommand, tgNames} from './util.js'

const ID = 'nginx-not-enabled'

/** is-enabled answers that mean "starts at boot". `enabled-runtime` does not survive a reboot. */
const AT_BOOT = new Set(['enabled', 'static', 'alias', 'indirect', 'generated'])

function check(ctx: AnalysisContext) {
  return perProbe(ctx, (probe, checked): Finding[] => {
    const off = checked.filter((c) => c.parsed.nginx.installed && c.parsed.systemd && c.parsed.nginx.enabled !== undefined && !AT_BOOT.has(c.parsed.nginx.enabled))
    if (off.length === 0) return []
    const list = ids(off)
    const states = [...new Set(off.map((c) => c.parsed.nginx.enabled!))].join(', ')
    return [
      ctx.finding(ID, {
        message: `nginx will not start at boot (systemctl is-enabled: ${states}) on ${off.length} of ${checked.length} checked instances of ${tgNames(probe)} (${idList(list)})`,
        resources: [...list, ...probe.targetGroupArns],
        evidence: off.map((c) => `${c.run.instanceId}: is-enabled ${c.parsed.nginx.enabled}, is-active ${c.parsed.nginx.active ?? '?'}`),
        data: {instanceIds: list},
        remediation: {
          summary: `Enable nginx so that it survives a reboot, and make the launch template's user data run systemctl enable --now nginx. ${PERSIST_NOTE}`,
          commands: [
            ...(states.includes('masked') ? ['sudo systemctl unmask nginx'] : []),
            'sudo systemctl enable --now nginx',
            sendCommand(ctx, list, [...(states.includes('masked') ? ['systemctl unmask nginx'] : []), 'systemctl enable --now nginx']),
          ],
        },
      }),
    ]
  })
}

export const rule: Rule = {id: ID, check}
