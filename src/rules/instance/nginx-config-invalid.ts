/**
 * nginx-config-invalid: `nginx -t` fails. nginx refuses to start (or to reload) with it, so a restart or a new
 * instance leaves the port without a server.
 */
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Rule} from '../types.js'
import {PERSIST_NOTE, idList, ids, perProbe, refsFor, tgNames} from './util.js'

const ID = 'nginx-config-invalid'

function check(ctx: AnalysisContext) {
  return perProbe(ctx, (probe, checked): Finding[] => {
    const bad = checked.filter((c) => c.parsed.nginx.configTest?.ok === false)
    if (bad.length === 0) return []
    const list = ids(bad)
    const first = bad[0].parsed.nginx.configTest!.message
    return [
      ctx.finding(ID, {
        message: `nginx -t fails on ${bad.length} of ${checked.length} checked instances of ${tgNames(probe)} (${idList(list)}): ${first}`,
        resources: [...list, ...probe.targetGroupArns],
        evidence: bad.map((c) => `${c.run.instanceId}: ${c.parsed.nginx.configTest!.message}`),
        data: {instanceIds: list, messages: bad.map((c) => c.parsed.nginx.configTest!.message)},
        remediation: {
          summary: `Fix the file and line nginx -t names, check again, then restart nginx; fix the configuration where the launch template writes it too. ${PERSIST_NOTE}`,
          commands: ['sudo nginx -t', 'sudo nginx -t && sudo systemctl restart nginx'],
        },
        // A configuration nginx rejects is why it is not running there.
        explains: refsFor('nginx-not-running', list),
      }),
    ]
  })
}

export const rule: Rule = {id: ID, check}
