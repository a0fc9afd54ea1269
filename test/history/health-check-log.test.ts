import {describe, expect, it} from 'vitest'
import {HealthCheckLogSummariser, classifyHealthFailure, parseHealthCheckLine} from '../../src/history/health-check-log.js'
import {healthLine} from './lines.js'

const T0 = Date.parse('2026-11-29T18:00:00Z')
const at = (sec: number) => new Date(T0 + sec * 1000).toISOString()
const source = {bucket: 'b', prefix: '', objectsFound: 1, objectsRead: 1, bytesRead: 1, truncated: false, keys: [], failedObjects: 0}

describe('parsing a health-check log entry', () => {
  it('reads a passing and a failing check', () => {
    expect(parseHealthCheckLine(healthLine(at(0), '10.0.0.1:80', 'PASS', '200', '-', '0.003'))).toEqual({
      type: 'http',
      time: T0,
      target: '10.0.0.1:80',
      targetGroup: 'targetgroup/web-tg/73e2d6bc24d8a067',
      status: 'pass',
      statusCode: '200',
      latencySeconds: 0.003,
    })
    expect(parseHealthCheckLine(healthLine(at(5), '10.0.0.2:80', 'FAIL', '404', 'ResponseCodeMismatch'))).toMatchObject({status: 'fail', statusCode: '404', reasonCode: 'ResponseCodeMismatch'})
    expect(parseHealthCheckLine(healthLine(at(5), '10.0.0.2:80', 'FAIL', '-', 'ConnectionRefused'))).toMatchObject({status: 'fail', reasonCode: 'ConnectionRefused'})
  })

  it.each([
    ['a truncated line', healthLine(at(0), '10.0.0.1:80', 'PASS').slice(0, 30)],
    ['a line with no status', 'http 2026-11-29T18:00:00Z 0.002 10.0.0.1:80 targetgroup/web-tg/1 200'],
    ['a line with no target', 'http 2026-11-29T18:00:00Z 0.002 targetgroup/web-tg/1 PASS 200 -'],
    ['a line with no time', 'http yesterday 0.002 10.0.0.1:80 targetgroup/web-tg/1 PASS 200 -'],
    ['an unclosed quote', 'http 2026-11-29T18:00:00Z "0.002 10.0.0.1:80 PASS'],
  ])('rejects %s', (_, line) => {
    expect(parseHealthCheckLine(line)).toBeUndefined()
  })

  it('classifies the documented failure reasons', () => {
    expect(classifyHealthFailure({reasonCode: 'ConnectionRefused'})).toBe('connection-refused')
    expect(classifyHealthFailure({reasonCode: 'ConnectionReset'})).toBe('connection-reset')
    expect(classifyHealthFailure({reasonCode: 'ConnectionTimeout'})).toBe('timeout')
    expect(classifyHealthFailure({reasonCode: 'ResponseTimeout'})).toBe('timeout')
    expect(classifyHealthFailure({reasonCode: 'ResponseCodeMismatch', statusCode: '301'})).toBe('response-code-mismatch')
    expect(classifyHealthFailure({statusCode: '500'})).toBe('response-code-mismatch')
    expect(classifyHealthFailure({reasonCode: 'Elb.InternalError'})).toBe('other')
  })
})

describe('the health-check summariser', () => {
  it('gives per-target results, reasons and transitions in time order, whatever order the lines came in', () => {
    const s = new HealthCheckLogSummariser({window: {start: T0, end: T0 + 3_600_000}, bucketSeconds: 60})
    const lines = [
      healthLine(at(0), '10.0.0.1:80', 'PASS', '200'),
      healthLine(at(30), '10.0.0.1:80', 'PASS', '200'),
      healthLine(at(60), '10.0.0.1:80', 'FAIL', '-', 'ConnectionRefused'),
      healthLine(at(90), '10.0.0.1:80', 'FAIL', '-', 'ConnectionRefused'),
      healthLine(at(120), '10.0.0.1:80', 'PASS', '200'),
      healthLine(at(0), '10.0.0.2:80', 'FAIL', '404', 'ResponseCodeMismatch'),
      healthLine(at(30), '10.0.0.2:80', 'FAIL', '404', 'ResponseCodeMismatch'),
      'http 2026-11-29T18:00:00Z 0.002 truncated',
      healthLine('2026-11-29T12:00:00.000Z', '10.0.0.2:80', 'FAIL', '-', 'ConnectionTimeout'),
    ]
    // Files are read newest first: feed the lines backwards.
    for (const l of [...lines].reverse()) s.add(l)
    const r = s.result(source)
    expect(r).toMatchObject({lines: 9, badLines: 1, outsideWindow: 1, checks: 7, failures: 4, byReason: {'connection-refused': 2, 'response-code-mismatch': 2}})
    // Most failures first, then by address.
    const [t1, t2] = r.targets
    expect(t2).toMatchObject({target: '10.0.0.2:80', failures: 2, statusCodes: {'404': 2}, lastStatus: 'fail', transitions: [{time: at(0), to: 'fail', reason: 'ResponseCodeMismatch', statusCode: '404'}]})
    expect(t1.transitions.map((t) => [t.time, t.to])).toEqual([
      [at(0), 'pass'],
      [at(60), 'fail'],
      [at(120), 'pass'],
    ])
    expect(t1).toMatchObject({checks: 5, failures: 2, reasonCodes: {ConnectionRefused: 2}, lastStatus: 'pass', first: at(0), last: at(120)})
    expect(r.buckets.slice(0, 3)).toEqual([
      {start: at(0), checks: 4, failures: 2},
      {start: at(60), checks: 2, failures: 2},
      {start: at(120), checks: 1, failures: 0},
    ])
    expect(r.sample).toHaveLength(4)
  })
})
