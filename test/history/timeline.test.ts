import {describe, expect, it} from 'vitest'
import {analyzeHistory} from '../../src/history/analyze.js'
import {markChanges, resample, sparkline, summarySentence, timelineData, timelineMarkdown, timelineText} from '../../src/history/timeline.js'
import {START, change, section, series} from './section.js'

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
    expect(lines[0]).toBe('Timeline 18:00 → 20:00 UTC, one column = 2 min')
    expect(lines[1]).toMatch(/^ {2}5xx \(load balancer \+ targets, CloudWatch\) +▁{30}█{30} {2}total 1,800, max 60$/)
    expect(lines.some((l) => /UnHealthyHostCount \(Maximum\) +▁{29}█{31} {2}max 3$/.test(l))).toBe(true)
    const marker = lines.find((l) => l.trimStart().startsWith('changes'))!
    expect(marker.indexOf('1') - lines[1].indexOf('▁')).toBe(28)
    expect(lines).toContain('    1 18:57 RevokeSecurityGroupIngress sg-0web by arn:aws:iam::123456789012:user/alice [cloudtrail]')
    expect(lines).toContain('  no data points: RequestCount (Sum)')
    expect(lines[lines.length - 1]).toBe(
      '  The errors (1,800 5xx, 5xx (load balancer + targets, CloudWatch)) began at 19:00 UTC, steady; the nearest change before: RevokeSecurityGroupIngress on sg-0web by arn:aws:iam::123456789012:user/alice at 18:57 (3 min before).',
    )
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
