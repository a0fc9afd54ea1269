import {describe, expect, it} from 'vitest'
import {analyzeHistory, changeKind, classifyShape, errorSignal, findOnset, nearestChangeBefore, relevantChangesBefore, seriesOnGrid} from '../../src/history/analyze.js'
import type {ChangeEvent} from '../../src/snapshot/history-types.js'
import {START, change, minute, section, series} from './section.js'

const flat = (n: number, v = 0) => Array.from({length: n}, () => v)

describe('onset', () => {
  it('is the first interval above the baseline', () => {
    const v = [...flat(30), 0, 1, 0, ...flat(7), 40, 42, 39, 45, ...flat(16, 41)]
    expect(findOnset(v, START, 60)).toMatchObject({index: 40, time: minute(40), beforeWindow: false, baseline: 0})
  })

  it('rises above a noisy baseline, not within it', () => {
    const noise = [2, 3, 1, 2, 4, 2, 3, 2, 1, 3, 2, 2]
    const v = [...noise, ...noise, ...noise, 30, 31, 29]
    expect(findOnset(v, START, 60)?.index).toBe(36)
  })

  it('says the errors predate the window when they are there from the start', () => {
    expect(findOnset(flat(60, 25), START, 60)).toMatchObject({index: 0, beforeWindow: true})
  })

  it('cannot see bursts begin when the very first interval already has them', () => {
    const v = [6, 0, 0, 5, 0, 0, 7, 0, 0, 6, ...flat(50)]
    expect(findOnset(v, START, 60)).toMatchObject({index: 0, beforeWindow: true})
  })

  it('finds none in a clean window, or with a lone error', () => {
    expect(findOnset(flat(60), START, 60)).toBeUndefined()
    expect(findOnset([...flat(30), 1, ...flat(29)], START, 60)).toBeUndefined()
  })
})

describe('shape', () => {
  const shapeOf = (v: number[]) => classifyShape(v, findOnset(v, START, 60), 60)
  it('steady', () => {
    expect(shapeOf([...flat(20), ...flat(40, 30)]).shape).toBe('steady')
  })
  it('periodic, with its period', () => {
    const v = flat(90)
    for (let m = 20; m < 90; m += 10) v[m] = v[m + 1] = 50
    expect(shapeOf(v)).toMatchObject({shape: 'periodic', periodSeconds: 600})
  })
  it('bursts at irregular gaps', () => {
    const v = flat(90)
    for (const m of [20, 23, 41, 70, 72]) v[m] = 50
    expect(shapeOf(v).shape).toBe('bursts')
  })
  it('a single burst', () => {
    const v = flat(60)
    v[30] = v[31] = v[32] = 80
    expect(shapeOf(v)).toMatchObject({shape: 'single-burst', bursts: [[30, 32]]})
  })
  it('none without an onset', () => {
    expect(shapeOf(flat(30)).shape).toBe('none')
  })
})

describe('the error signal and the nearest change', () => {
  it('adds the load balancer\'s and the targets\' 5xx on the window\'s grid, counting missing periods as zero', () => {
    const h = section(10, [series('m0', 'HTTPCode_ELB_5XX_Count', [undefined, 2, undefined, 4]), series('m4', 'HTTPCode_Target_5XX_Count', [1]), series('m9', 'HTTPCode_Target_5XX_Count', [100], {LoadBalancer: 'x', TargetGroup: 'tg'})])
    expect(errorSignal(h)?.values).toEqual([1, 2, 0, 4, 0, 0, 0, 0, 0, 0])
    expect(seriesOnGrid({timestamps: [minute(1), minute(1)], values: [3, 5]}, {start: START, end: START + 180_000}, 60, 'level')).toEqual([null, 5, null])
  })

  it('falls back to the access logs when CloudWatch has no data point', () => {
    const h = section(3, [series('m0', 'HTTPCode_ELB_5XX_Count', [])])
    h.accessLogs = {
      source: {bucket: 'b', prefix: '', objectsFound: 1, objectsRead: 1, bytesRead: 1, truncated: false, keys: [], failedObjects: 0},
      lines: 3, badLines: 0, outsideWindow: 0, requests: 3, errors5xx: 3, byElbStatus: {}, byTarget: {}, byTargetStatus: {}, byCause: {}, byErrorReason: {},
      processingTimes: {request: {count: 0}, target: {count: 0}, response: {count: 0}, notDispatched: 0},
      bucketSeconds: 60,
      buckets: [0, 1, 2].map((k) => ({start: minute(k), requests: 1, elb5xx: k, target5xx: 1})),
      sample: [], badSample: [],
    }
    expect(errorSignal(h)).toMatchObject({source: 'access-logs', values: [1, 2, 3]})
  })

  it('names the change nearest before the onset and who made it', () => {
    const onset = findOnset([...flat(40), ...flat(20, 30)], START, 60)!
    const changes = [change(10, 'AuthorizeSecurityGroupIngress', 'sg-1', 'bob'), change(37, 'RevokeSecurityGroupIngress', 'sg-1', 'alice'), change(45, 'ModifyRule', 'rule-1')]
    expect(nearestChangeBefore(changes, onset, 60)).toEqual({event: changes[1], secondsBeforeOnset: 180})
    expect(nearestChangeBefore([changes[2]], onset, 60)).toBeUndefined()
  })

  it('prefers a change that can start 5xx over the group\'s routine churn after it', () => {
    const onset = findOnset([...flat(40), ...flat(20, 30)], START, 60)!
    const lt = change(30, 'CreateLaunchTemplateVersion', 'lt-1', 'alice')
    const churn: ChangeEvent = {time: minute(39), source: 'autoscaling-activity', what: 'Terminate', resources: ['web-asg'], who: 'autoscaling'}
    expect(nearestChangeBefore([lt, churn], onset, 60)).toEqual({event: lt, secondsBeforeOnset: 600})
    expect(nearestChangeBefore([churn], onset, 60)?.event).toBe(churn)
  })

  it('puts it together', () => {
    const h = section(60, [series('m0', 'HTTPCode_ELB_5XX_Count', [...flat(40), ...flat(20, 30)])], [change(37, 'RevokeSecurityGroupIngress', 'sg-1', 'alice')])
    const a = analyzeHistory(h)
    expect(a).toMatchObject({totalErrors: 600, onset: {time: minute(40)}, shape: {shape: 'steady'}, nearestChange: {event: {what: 'RevokeSecurityGroupIngress', who: 'alice'}, secondsBeforeOnset: 180}})
    expect(a.changesBeforeOnset).toHaveLength(1)
    expect(analyzeHistory({version: 1, window: {start: minute(0), end: minute(5)}, notes: []})).toMatchObject({totalErrors: 0, shape: {shape: 'none'}})
  })
})

describe('the changes that can start 5xx', () => {
  it('kinds: launch template versions and refreshes from their own records, CloudTrail writes by resource, nothing for churn or tags', () => {
    expect(changeKind({time: minute(0), source: 'launch-template-version', what: 'CreateLaunchTemplateVersion', resources: ['lt-1']})).toBe('launch-template')
    expect(changeKind({time: minute(0), source: 'instance-refresh', what: 'InstanceRefresh', resources: ['web-asg']})).toBe('instance-refresh')
    expect(changeKind(change(0, 'RevokeSecurityGroupIngress', 'sg-1'))).toBe('security-group')
    expect(changeKind(change(0, 'ReplaceNetworkAclEntry', 'acl-1'))).toBe('network-acl')
    expect(changeKind(change(0, 'DeleteRoute', 'rtb-1'))).toBe('route-table')
    expect(changeKind(change(0, 'ModifyRule', 'rule'))).toBe('listener')
    expect(changeKind(change(0, 'ModifyTargetGroupAttributes', 'tg'))).toBe('target-group')
    expect(changeKind(change(0, 'ModifyLoadBalancerAttributes', 'lb'))).toBe('load-balancer')
    expect(changeKind(change(0, 'CreateTags', 'sg-1'))).toBeUndefined()
    expect(changeKind({time: minute(0), source: 'autoscaling-activity', what: 'Launch', resources: ['web-asg']})).toBeUndefined()
  })

  it('keeps those of the hour before the onset (and its own interval), newest first, CloudTrail first at a tie', () => {
    const onset = findOnset([...flat(90), ...flat(30, 50)], START, 60)!
    const events = [
      change(10, 'ModifyListener', 'l'),
      change(40, 'RevokeSecurityGroupIngress', 'sg-1'),
      {time: minute(85), source: 'launch-template-version' as const, what: 'CreateLaunchTemplateVersion', resources: ['lt-1'], id: 'lt-1:2'},
      change(85, 'CreateLaunchTemplateVersion', 'lt-1', 'alice'),
      change(88, 'CreateTags', 'sg-1'),
      change(90, 'ModifyTargetGroup', 'tg'),
      change(95, 'ModifyRule', 'r'),
    ]
    expect(relevantChangesBefore(events, onset, 60).map((c) => [c.event.what, c.event.source, c.secondsBeforeOnset])).toEqual([
      ['ModifyTargetGroup', 'cloudtrail', 0],
      ['CreateLaunchTemplateVersion', 'cloudtrail', 300],
      ['CreateLaunchTemplateVersion', 'launch-template-version', 300],
      ['RevokeSecurityGroupIngress', 'cloudtrail', 3000],
    ])
  })
})
