import {CloudWatchClient, GetMetricDataCommand} from '@aws-sdk/client-cloudwatch'
import {mockClient} from 'aws-sdk-client-mock'
import {describe, expect, it} from 'vitest'
import {CallRunner} from '../../src/collect/runner.js'
import {MAX_QUERIES_PER_CALL, batchQueries, buildMetricQueries, choosePeriod, collectMetrics, getMetricDataSender, resultsToSeries, targetGroupResourceId} from '../../src/history/metrics.js'
import {LB_ARN, TG_ARN} from './lines.js'

const spec = {loadBalancerArn: LB_ARN, targetGroupArns: [TG_ARN], availabilityZones: ['us-east-1a', 'us-east-1b'], autoScalingGroupNames: ['web-asg'], periodSeconds: 60}

describe('GetMetricData queries', () => {
  it('takes the dimensions from the ARNs', () => {
    expect(targetGroupResourceId(TG_ARN)).toBe('targetgroup/web-tg/73e2d6bc24d8a067')
    const {queries, meta} = buildMetricQueries(spec)
    const first = queries[0]
    expect(first).toMatchObject({Id: 'm0', ReturnData: true, MetricStat: {Period: 60, Stat: 'Sum', Metric: {Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_ELB_5XX_Count', Dimensions: [{Name: 'LoadBalancer', Value: 'app/web/50dc6c495c0c9188'}]}}})
    expect(meta.map((m) => `${m.metric}/${m.stat}`)).toEqual([
      'HTTPCode_ELB_5XX_Count/Sum',
      'HTTPCode_ELB_502_Count/Sum',
      'HTTPCode_ELB_503_Count/Sum',
      'HTTPCode_ELB_504_Count/Sum',
      'HTTPCode_Target_5XX_Count/Sum',
      'TargetConnectionErrorCount/Sum',
      'RequestCount/Sum',
      'TargetResponseTime/p99',
      'UnHealthyHostCount/Maximum',
      'HealthyHostCount/Minimum',
      'HTTPCode_Target_5XX_Count/Sum',
      'UnHealthyHostCount/Maximum',
      'HealthyHostCount/Minimum',
      'UnHealthyHostCount/Maximum',
      'HealthyHostCount/Minimum',
      'CPUUtilization/Average',
    ])
    expect(meta[8].dimensions).toEqual({TargetGroup: 'targetgroup/web-tg/73e2d6bc24d8a067', LoadBalancer: 'app/web/50dc6c495c0c9188'})
    expect(meta[11].dimensions.AvailabilityZone).toBe('us-east-1a')
    expect(meta[15]).toMatchObject({namespace: 'AWS/EC2', dimensions: {AutoScalingGroupName: 'web-asg'}})
  })

  it('does not ask per zone for a single-zone load balancer', () => {
    expect(buildMetricQueries({...spec, availabilityZones: ['us-east-1a']}).meta.some((m) => m.dimensions.AvailabilityZone)).toBe(false)
  })

  it('fits 500 queries in a call', () => {
    const many = Array.from({length: 1001}, (_, k) => k)
    expect(batchQueries(many).map((b) => b.length)).toEqual([MAX_QUERIES_PER_CALL, MAX_QUERIES_PER_CALL, 1])
    const tgs = Array.from({length: 80}, (_, k) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg${k}/${k}`)
    const {queries} = buildMetricQueries({...spec, targetGroupArns: tgs, availabilityZones: ['a', 'b', 'c']})
    expect(queries.length).toBe(8 + 80 * 9 + 1)
    expect(batchQueries(queries)).toHaveLength(2)
  })

  it('chooses whole-minute periods, at most ~180 points', () => {
    expect(choosePeriod({start: 0, end: 3 * 3_600_000})).toBe(60)
    expect(choosePeriod({start: 0, end: 24 * 3_600_000})).toBe(480)
    // Past 15 days CloudWatch only answers multiples of 5 min, past 63 days multiples of an hour.
    expect(choosePeriod({start: 0, end: 20 * 86_400_000})).toBe(9600)
    expect(choosePeriod({start: 0, end: 70 * 86_400_000})).toBe(36_000)
    expect(choosePeriod({start: 0, end: 90 * 86_400_000}) % 3600).toBe(0)
  })
})

describe('results to series', () => {
  it('merges pages, sorts oldest first and keeps the status', () => {
    const {meta} = buildMetricQueries(spec)
    const series = resultsToSeries(meta, [
      {MetricDataResults: [{Id: 'm0', Timestamps: [new Date('2026-11-29T18:02:00Z')], Values: [5], StatusCode: 'PartialData'}]},
      {MetricDataResults: [{Id: 'm0', Timestamps: [new Date('2026-11-29T18:01:00Z')], Values: [3], StatusCode: 'Complete'}]},
    ])
    expect(series[0]).toMatchObject({id: 'm0', timestamps: ['2026-11-29T18:01:00.000Z', '2026-11-29T18:02:00.000Z'], values: [3, 5], status: 'PartialData'})
    expect(series[1]).toMatchObject({id: 'm1', timestamps: [], values: []})
  })
})

describe('collecting through CloudWatch (aws-sdk-client-mock)', () => {
  it('sends one call per 500 queries, follows NextToken and records a failure', async () => {
    const client = new CloudWatchClient({region: 'us-east-1', credentials: {accessKeyId: 'a', secretAccessKey: 'b'}})
    const cw = mockClient(client)
    cw.on(GetMetricDataCommand)
      .resolvesOnce({MetricDataResults: [{Id: 'm0', Timestamps: [new Date('2026-11-29T18:01:00Z')], Values: [1]}], NextToken: 'p2'})
      .resolvesOnce({MetricDataResults: [{Id: 'm0', Timestamps: [new Date('2026-11-29T18:02:00Z')], Values: [2]}]})
    const runner = new CallRunner()
    const w = {start: Date.parse('2026-11-29T18:00:00Z'), end: Date.parse('2026-11-29T19:00:00Z')}
    const part = await collectMetrics(runner, getMetricDataSender(client), spec, w)
    expect(part.calls).toBe(2)
    expect(part.series[0].values).toEqual([1, 2])
    const input = cw.commandCalls(GetMetricDataCommand)[0].args[0].input
    expect(input).toMatchObject({StartTime: new Date(w.start), EndTime: new Date(w.end), ScanBy: 'TimestampAscending'})
    expect(input.MetricDataQueries).toHaveLength(16)
    expect(cw.commandCalls(GetMetricDataCommand)[1].args[0].input.NextToken).toBe('p2')

    cw.reset()
    cw.on(GetMetricDataCommand).rejects(Object.assign(new Error('no'), {name: 'AccessDenied'}))
    const r2 = new CallRunner()
    const failed = await collectMetrics(r2, getMetricDataSender(client), spec, w)
    expect(failed.series.every((s) => s.values.length === 0)).toBe(true)
    expect(r2.errors[0]).toMatchObject({api: 'cloudwatch:GetMetricData', accessDenied: true})
  })
})
