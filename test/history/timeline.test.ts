import {describe, expect, it} from 'vitest'
import {analyzeHistory} from '../../src/history/analyze.js'
import {REPORT_TIMELINE_WIDTH, describeWindow, markChanges, resample, shortLabel, sparkline, statusStrip, summarySentence, targetStatuses, timelineData, timelineMarkdown, timelineText} from '../../src/history/timeline.js'
import {START, change, minute, section, series} from './section.js'

const flat = (n: number, v = 0) => Array.from({length: n}, () => v)

describe('sparklines', () => {
  it('scales to the largest value, zero lowest, gaps blank', () => {
    expect(sparkline([0, 1, 4, 8, null, 8])).toBe('▁▂▅█ █')
    expect(sparkline([0, 0])).toBe('▁▁')
  })
  it('resamples by sums for counts and maxima for levels', () => {
    expect(resample([1, 2, 3, 4, null, null], 3, 'count')).toEqual({values: [3, 7, null], factor: 2})
    expect(resample([1, 2, 3, 4], 2, 'level').values).toEqual([2, 4])
    expect(resample([1, 2], 10, 'count')).toEqual({values: [1, 2], factor: 1})
  })
  it('marks changes in their columns, several in one as *', () => {
    const c = [change(0, 'A', 'x'), change(5, 'B', 'x'), change(6, 'C', 'x'), change(99, 'D', 'x')]
    const {line, marked} = markChanges(c, START, 300, 4)
    expect(line).toBe('1*··')
    expect(marked.map((m) => [m.mark, m.column])).toEqual([['1', 0], ['2', 1], ['3', 1]])
  })
})

describe('the timeline', () => {
  const h = section(
    120,
    [
      series('m0', 'HTTPCode_ELB_5XX_Count', [...flat(60), ...flat(60, 30)]),
      series('m8', 'UnHealthyHostCount', [...flat(58, 0), ...flat(62, 3)], {TargetGroup: 'targetgroup/web-tg/1', LoadBalancer: 'app/web/1'}, 'Maximum'),
      series('m6', 'RequestCount', []),
    ],
    [change(57, 'RevokeSecurityGroupIngress', 'sg-0web', 'arn:aws:iam::123456789012:user/alice')],
  )
  const data = timelineData(h, analyzeHistory(h), {width: 60})

  it('puts one line per signal with data, the changes under them, and the analysis', () => {
    const lines = timelineText(data)
    expect(lines[0]).toBe('Since 18:00 UTC (2 h to 20:00; one column = 2 min)')
    expect(lines[1]).toMatch(/^ {2}5xx, all {9}▁{30}█{30} {2}1,800 in all$/)
    expect(lines).toContain(`  unhealthy web-tg ${'▁'.repeat(29)}${'█'.repeat(31)}  max 3`)
    const marker = lines.find((l) => l.trimStart().startsWith('changes'))!
    expect(marker.indexOf('1') - lines[1].indexOf('▁')).toBe(28)
    expect(lines).toContain('    1 18:57 RevokeSecurityGroupIngress sg-0web by arn:aws:iam::123456789012:user/alice [cloudtrail]')
    expect(lines).toContain('  No data points: RequestCount (Sum).')
    expect(lines[lines.length - 1]).toBe(
      '  The errors (1,800 5xx, 5xx (load balancer + targets, CloudWatch)) began at 19:00 UTC, steady; the nearest change before: RevokeSecurityGroupIngress on sg-0web by arn:aws:iam::123456789012:user/alice at 18:57 (3 min before).',
    )
  })

  it('fits 80 columns at the report\'s width, and wraps prose through the caller', () => {
    const narrow = timelineData(h, analyzeHistory(h), {width: REPORT_TIMELINE_WIDTH})
    const wrap = (prefix: string, text: string) => [prefix + text.slice(0, 40), ' '.repeat(prefix.length) + text.slice(40)]
    const lines = timelineText(narrow, {wrap})
    expect(lines.filter((l) => /[▁█]/.test(l)).every((l) => l.length <= 80)).toBe(true)
    expect(lines).toContain('    1 18:57 RevokeSecurityGroupIngress sg-0web')
  })

  it('names each signal in a few words', () => {
    expect(data.signals.map((s) => s.short)).toEqual(['5xx, all', 'ALB 5xx', 'unhealthy web-tg'])
    expect(shortLabel({id: 'm9', label: 'x', source: 'metrics'}, {metric: 'TargetResponseTime', stat: 'p99', dimensions: {LoadBalancer: 'app/web/1'}})).toBe('response p99')
    expect(shortLabel({id: 'm9', label: 'x', source: 'metrics'}, {metric: 'HealthyHostCount', stat: 'Minimum', dimensions: {TargetGroup: 'targetgroup/web-tg/1', AvailabilityZone: 'eu-west-1b'}})).toBe('healthy web-tg 1b')
    expect(shortLabel({id: 'm9', label: 'x', source: 'metrics'}, {metric: 'CPUUtilization', stat: 'Average', dimensions: {AutoScalingGroupName: 'web-asg'}})).toBe('CPU % web-asg')
  })

  it('says a window\'s length in words', () => {
    expect([describeWindow(3 * 3_600_000), describeWindow(90 * 60_000), describeWindow(2 * 86_400_000), describeWindow(36 * 3_600_000)]).toEqual(['3 h', '90 min', '2 d', '1 d 12 h'])
  })

  it('gives the same as markdown tables', () => {
    const md = timelineMarkdown(data)
    expect(md).toContain('| signal | timeline | total | max |')
    expect(md.find((l) => l.startsWith('| 5xx'))).toMatch(/\| `▁{30}█{30}` \| 1,800 \| 60 \|$/)
    expect(md).toContain('| 1 | 18:57 | RevokeSecurityGroupIngress | sg-0web | arn:aws:iam::123456789012:user/alice | cloudtrail |')
    expect(md[md.length - 1]).toMatch(/^The errors .* began at 19:00 UTC, steady/)
  })

  it('keeps the data for --json', () => {
    const json = JSON.parse(JSON.stringify(data))
    expect(json).toMatchObject({columns: 60, columnSeconds: 120, changes: [{mark: '1', column: 28, event: {what: 'RevokeSecurityGroupIngress'}}], analysis: {onset: {time: '2026-11-29T19:00:00.000Z'}}})
    expect(json.signals[0].values).toHaveLength(60)
  })

  it('says plainly when there is nothing to show', () => {
    expect(summarySentence(analyzeHistory({version: 1, window: {start: '2026-11-29T18:00:00.000Z', end: '2026-11-29T19:00:00.000Z'}, notes: []}))).toBe('No error signal in the window (no CloudWatch data and no access logs read).')
    const quiet = section(60, [series('m0', 'HTTPCode_ELB_5XX_Count', flat(60))])
    expect(summarySentence(analyzeHistory(quiet))).toBe('No errors rose above the baseline in the window (0 5xx in all).')
  })
})

describe('health-check targets on the timeline', () => {
  it('shows each target\'s status per column, a failure within a column included', () => {
    const transitions = [
      {time: minute(2), to: 'pass' as const},
      {time: minute(6), to: 'fail' as const, reason: 'ConnectionRefused'},
      {time: minute(7), to: 'pass' as const},
      {time: minute(14), to: 'fail' as const, reason: 'ResponseCodeMismatch', statusCode: '404'},
    ]
    const st = targetStatuses(transitions, START, 300, 4)
    expect(st).toEqual(['pass', 'fail', 'fail', 'fail'])
    expect(statusStrip([null, ...st])).toBe(' ▁███')
  })

  it('adds a line per target with its last change', () => {
    const h = section(20, [series('m0', 'HTTPCode_ELB_5XX_Count', [0, 0, 0, 5])])
    h.healthCheckLogs = {
      source: {bucket: 'b', prefix: '', objectsFound: 1, objectsRead: 1, bytesRead: 1, truncated: false, keys: [], failedObjects: 0},
      lines: 3, badLines: 0, outsideWindow: 0, checks: 3, failures: 2, byReason: {'connection-refused': 2},
      targets: [{target: '10.0.1.10:80', checks: 3, failures: 2, byReason: {'connection-refused': 2}, reasonCodes: {ConnectionRefused: 2}, statusCodes: {}, transitions: [{time: minute(0), to: 'pass'}, {time: minute(10), to: 'fail', reason: 'ConnectionRefused'}]}],
      bucketSeconds: 60, buckets: [], sample: [], badSample: [],
    }
    const d = timelineData(h, analyzeHistory(h), {width: 20})
    const line = timelineText(d).find((l) => l.includes('10.0.1.10:80'))
    expect(line).toBe(`  10.0.1.10:80     ${'▁'.repeat(10)}${'█'.repeat(10)}  2 failed`)
    expect(timelineMarkdown(d)).toContain('| health 10.0.1.10:80 | `▁▁▁▁▁▁▁▁▁▁██████████` | 2 failed | failing since 18:10 (ConnectionRefused) |')
  })
})
