/**
 * nginx-not-running: nginx is installed but its service is not active (stopped, failed, crash-looping), so
 * nothing serves the health checks.
 */
import {CONFIG_TEST, SERVICE} from '../../lib/nginx-install.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Rule} from '../types.js'
import type {Checked} from './util.js'
import {PERSIST_NOTE, answers, asSudo, fleetFix, idList, ids, nginxListens, perProbe, refsFor, sendCommand, targetHealthRefs, tgNames} from './util.js'

const ID = 'nginx-not-running'

const RUNNING = new Set(['active', 'reloading'])
/** Check the configuration, then enable and restart: the service steps of src/lib/nginx-install.ts. */
const START = [CONFIG_TEST, SERVICE.enable, SERVICE.restart]

/** With systemd, its word; without, whether any nginx process exists. */
const notRunning = (c: Checked): boolean =>
  c.parsed.nginx.installed &&
  (c.parsed.systemd && c.parsed.nginx.active !== undefined ? !RUNNING.has(c.parsed.nginx.active) : c.parsed.nginx.processes === 0)

function check(ctx: AnalysisContext) {
  return perProbe(ctx, (probe, checked): Finding[] => {
    // nginx holding the port, the health request passing or a healthy target outweigh the service manager's word.
    const down = checked.filter((c) => notRunning(c) && !nginxListens(c) && !answers(ctx, c))
    if (down.length === 0) return []
    // An unnamed process still listens on the probe's ports (maybe nginx): the probes disagree, so say it less surely.
    const doubtful = down.filter((c) => c.parsed.listeners.some((l) => l.process === undefined && (l.port === probe.targetPort || l.port === probe.healthCheckPort)))
    const list = ids(down)
    const states = [...new Set(down.map((c) => c.parsed.nginx.active ?? 'no process'))].join(', ')
    return [
      ctx.finding(ID, {
        message:
          `nginx is installed but not running (${states}) on ${down.length} of ${checked.length} checked instances of ${tgNames(probe)} (${idList(list)})` +
          (doubtful.length > 0 ? `; something still listens on port ${probe.healthCheckPort} on ${idList(ids(doubtful))}, so this may be wrong` : ''),
        ...(doubtful.length === down.length ? {severity: 'warning' as const, confidence: 'possible' as const} : doubtful.length > 0 ? {confidence: 'likely' as const} : {}),
        resources: [...list, ...probe.targetGroupArns],
        evidence: down.map((c) => {
          const log = c.parsed.errorLog.at(-1)
          return `${c.run.instanceId}: ${c.parsed.nginx.statusLine ?? `is-active: ${c.parsed.nginx.active ?? '?'}, processes: ${c.parsed.nginx.processes ?? '?'}`}${log ? `; last error.log line: ${log}` : ''}`
        }),
        data: {instanceIds: list, states: down.map((c) => c.parsed.nginx.active ?? null)},
        remediation: {
          summary: `See why nginx stopped (journal, error log, nginx -t), fix it, then start it and enable it at boot. ${PERSIST_NOTE}`,
          commands: [
            'sudo journalctl -u nginx -n 50 --no-pager',
            asSudo(START),
            sendCommand(ctx, list, START),
            fleetFix(ctx)[0],
          ],
        },
        explains: [...targetHealthRefs(probe), ...refsFor('nothing-listening-on-port', list), ...refsFor('health-path-local-failure', list)],
      }),
    ]
  })
}

export const rule: Rule = {id: ID, check}
