import {readFileSync} from 'node:fs'
import {Ajv} from 'ajv'
import {describe, expect, it} from 'vitest'
import {analyze} from '../../src/analyze/engine.js'
import {reportSchema} from '../../src/analyze/report-schema.js'
import {EXAMPLES} from '../../scripts/make-examples.js'
import type {Snapshot} from '../../src/snapshot/types.js'
import {healthyWorld} from '../fixtures/world.js'
import {change, section, series} from '../history/section.js'

/** A report with every part of the history filled: metrics with an onset, a change before it, a failed source. */
function historyReport() {
  const w = healthyWorld()
  w.history = section(120, [series('m0', 'HTTPCode_ELB_5XX_Count', [...Array(60).fill(0), ...Array(60).fill(9)])], [change(55, 'ModifyTargetGroupAttributes', 'tg-1', 'alice')])
  w.history.healthCheckLogs = {
    source: {bucket: 'b', prefix: '', objectsFound: 1, objectsRead: 1, bytesRead: 1, truncated: false, keys: [], failedObjects: 0},
    lines: 2, badLines: 0, outsideWindow: 0, checks: 2, failures: 1, byReason: {timeout: 1},
    targets: [{target: '10.0.1.10:80', checks: 2, failures: 1, byReason: {timeout: 1}, reasonCodes: {Timeout: 1}, statusCodes: {}, transitions: [{time: '2026-11-29T18:10:00.000Z', to: 'pass'}, {time: '2026-11-29T19:10:00.000Z', to: 'fail', reason: 'Timeout'}]}],
    bucketSeconds: 60, buckets: [], sample: [], badSample: [],
  }
  w.errors.push({api: 'cloudtrail:LookupEvents', code: 'HTTP500', message: 'no', accessDenied: false})
  return JSON.parse(JSON.stringify(analyze(w)))
}

const validate = new Ajv({strict: false}).compile(reportSchema)

describe('the --json report schema', () => {
  for (const ex of EXAMPLES) {
    it(`describes the report of ${ex.file}`, () => {
      const report = JSON.parse(JSON.stringify(analyze(JSON.parse(readFileSync(ex.file, 'utf8')) as Snapshot)))
      expect(validate(report), JSON.stringify(validate.errors)).toBe(true)
    })
  }

  it('describes a report with its history part', () => {
    const report = historyReport()
    expect(report.history.analysis.onset).toBeDefined()
    expect(report.history.analysis.nearestChange).toBeDefined()
    expect(report.history.timeline.targets[0].statuses).toContain(null)
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true)
  })

  it('rejects a history part without its summary', () => {
    const report = historyReport()
    delete report.history.summary
    expect(validate(report)).toBe(false)
    expect(validate.errors?.[0]).toMatchObject({instancePath: '/history', params: {missingProperty: 'summary'}})
  })

  it('rejects a report whose finding lacks its remediation', () => {
    const report = JSON.parse(JSON.stringify(analyze(JSON.parse(readFileSync('examples/nginx-missing.json', 'utf8')) as Snapshot)))
    delete report.rootCauses[0].cause.remediation
    expect(validate(report)).toBe(false)
    expect(validate.errors?.[0].instancePath).toBe('/rootCauses/0/cause')
  })
})
