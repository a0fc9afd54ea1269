import {mkdtempSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {readSnapshot, validateSnapshot, writeSnapshot} from '../../src/snapshot/io.js'
import {AccessLogSummariser} from '../../src/history/access-log.js'
import {HealthCheckLogSummariser} from '../../src/history/health-check-log.js'
import {healthyWorld} from '../fixtures/world.js'
import {accessLine, healthLine} from './lines.js'
import {change, section, series, START} from './section.js'

const dir = mkdtempSync(join(tmpdir(), 'asgd-history-'))
const source = {bucket: 'logs', prefix: 'alb', objectsFound: 1, objectsRead: 1, bytesRead: 100, truncated: false, keys: ['alb/AWSLogs/x.log.gz'], failedObjects: 0}

function withHistory() {
  const h = section(60, [series('m0', 'HTTPCode_ELB_5XX_Count', [0, 0, 5, 7]), series('m8', 'UnHealthyHostCount', [0, 3], {TargetGroup: 'targetgroup/web-tg/1', LoadBalancer: 'app/web/1'}, 'Maximum')], [change(1, 'RevokeSecurityGroupIngress', 'sg-1', 'alice')])
  h.changes!.launchTemplates = [{launchTemplateId: 'lt-1', latestVersion: 2, defaultVersion: 1, inUse: [{group: 'web-asg', version: 2, spec: '$Latest'}]}]
  const window = {start: START, end: START + 3_600_000}
  const a = new AccessLogSummariser({window, bucketSeconds: 60})
  a.add(accessLine({time: '2026-11-29T18:02:10.000000Z', elb: '502', targetStatus: '-', times: ['0.000', '-1', '-1']}))
  a.add('garbage')
  h.accessLogs = a.result(source)
  const hc = new HealthCheckLogSummariser({window, bucketSeconds: 60})
  hc.add(healthLine('2026-11-29T18:02:00.000Z', '10.0.0.1:80', 'FAIL', '-', 'ConnectionRefused'))
  h.healthCheckLogs = hc.result(source)
  h.notes = ['Health-check logs are on.']
  return {...healthyWorld(), history: h}
}

describe('the snapshot\'s history section', () => {
  it('is optional: every bundled example written before it existed still loads; the history examples load with theirs', async () => {
    const withHistory = ['bad-deploy.json', 'keepalive-502.json']
    const files = readdirSync('examples').filter((f) => f.endsWith('.json'))
    expect(files.filter((f) => !withHistory.includes(f)).length).toBeGreaterThan(0)
    for (const f of files) {
      const s = await readSnapshot(join('examples', f))
      if (withHistory.includes(f)) expect(s.history?.version).toBe(1)
      else expect(s.history).toBeUndefined()
    }
  })

  it('round-trips through a file with metrics, changes and both log summaries', async () => {
    const s = withHistory()
    const file = join(dir, 'with-history.json')
    await writeSnapshot(file, s)
    const back = await readSnapshot(file)
    expect(back).toEqual(s)
    expect(back.history?.accessLogs).toMatchObject({badLines: 1, errors5xx: 1, byCause: {'target-connection-error': 1}})
    expect(back.history?.healthCheckLogs?.targets[0].transitions).toEqual([{time: '2026-11-29T18:02:00.000Z', to: 'fail', reason: 'ConnectionRefused'}])
  })

  it('names a bad field inside it', () => {
    const s = withHistory() as unknown as {history: {metrics: {series: {values: unknown[]}[]}}}
    s.history.metrics.series[0].values[1] = 'seven'
    expect(() => validateSnapshot(s)).toThrowError('/history/metrics/series/0/values/1 must be number')
  })

  it('refuses a history format it does not know', () => {
    const s = withHistory() as unknown as {history: {version: number}}
    s.history.version = 2
    expect(() => validateSnapshot(s)).toThrowError('/history/version must be equal to constant')
  })

  it('rejects a change from an unknown source', () => {
    const s = withHistory() as unknown as {history: {changes: {events: {source: string}[]}}}
    s.history.changes.events[0].source = 'rumour'
    expect(() => validateSnapshot(s)).toThrowError(/\/history\/changes\/events\/0\/source must be equal to one of the allowed values \(autoscaling-activity, instance-refresh/)
  })
})
