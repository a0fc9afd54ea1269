import {describe, expect, it} from 'vitest'
import {CallRunner} from '../../src/collect/runner.js'
import {collectHistory, logSettings} from '../../src/history/collect.js'
import type {S3LogReader} from '../../src/history/s3-logs.js'
import {healthyWorld} from '../fixtures/world.js'

function world(attrs: {Key: string; Value: string}[]) {
  const s = healthyWorld()
  const arn = s.elbv2.LoadBalancers[0].LoadBalancerArn!
  s.elbv2.LoadBalancerAttributes[arn] = [...(s.elbv2.LoadBalancerAttributes[arn] ?? []).filter((a) => !/^(access_logs|health_check_logs)\./.test(a.Key ?? '')), ...attrs]
  return s
}

describe('the history collection', () => {
  it('reads the log settings from the load balancer\'s attributes', () => {
    const s = world([
      {Key: 'access_logs.s3.enabled', Value: 'true'},
      {Key: 'access_logs.s3.bucket', Value: 'logs'},
      {Key: 'access_logs.s3.prefix', Value: 'alb'},
      {Key: 'health_check_logs.s3.enabled', Value: 'false'},
    ])
    expect(logSettings(s, 'access')).toEqual({enabled: true, bucket: 'logs', prefix: 'alb'})
    expect(logSettings(s, 'health-check')).toEqual({enabled: false})
    expect(logSettings(world([{Key: 'access_logs.s3.enabled', Value: 'true'}]), 'access')).toEqual({enabled: false})
  })

  it('says why a log part is missing, and reads no bucket when logs are off', async () => {
    let listed = 0
    const s3: S3LogReader = {
      list: async () => {
        listed++
        return {Contents: []}
      },
      open: async () => {
        throw new Error('not expected')
      },
    }
    const now = Date.parse('2026-11-29T21:00:00Z')
    const off = await collectHistory({runner: new CallRunner(), s3, now: () => now}, world([]))
    expect(off).toEqual({
      version: 1,
      window: {start: '2026-11-29T18:00:00.000Z', end: '2026-11-29T21:00:00.000Z'},
      notes: [
        'Access logs are off on the load balancer (access_logs.s3.enabled is not true): no per-request evidence.',
        'Health-check logs are off on the load balancer (health_check_logs.s3.enabled is not true): no per-check evidence.',
      ],
    })
    expect(listed).toBe(0)

    const on = await collectHistory({runner: new CallRunner(), s3, now: () => now}, world([{Key: 'access_logs.s3.enabled', Value: 'true'}, {Key: 'access_logs.s3.bucket', Value: 'logs'}]), {sinceMs: 3_600_000})
    expect(listed).toBe(1)
    expect(on.notes).toContain('Access logs are on, but s3://logs/ holds no object of this load balancer for the window.')
    expect(on.accessLogs).toMatchObject({requests: 0, source: {bucket: 'logs', objectsFound: 0}})
    expect(on.window.start).toBe('2026-11-29T20:00:00.000Z')
  })
})
