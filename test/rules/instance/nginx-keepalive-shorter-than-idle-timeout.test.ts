import {describe, expect, it} from 'vitest'

import {rule as nginxKeepaliveShorterThanIdleTimeout} from '../../../src/rules/instance/nginx-keepalive-shorter-than-idle-timeout.js'
import {ALB_ARN, INSTANCE_IDS} from '../../fixtures/world.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {edit, findings, worldWith, sample} from './helpers.js'

const healthy = sample('al2023-healthy')
const setIdle = (value: string) => (w: Snapshot) => {
  w.elbv2.LoadBalancerAttributes[ALB_ARN] = [{Key: 'idle_timeout.timeout_seconds', Value: value}]
}

describe('nginx-keepalive-shorter-than-idle-timeout', () => {
  it('passes with the stock 65 s against the default 60 s idle timeout, and with keep-alive off', () => {
    expect(findings(nginxKeepaliveShorterThanIdleTimeout, worldWith(healthy))).toEqual([])
    expect(findings(nginxKeepaliveShorterThanIdleTimeout, worldWith(edit(healthy, {'nginx.keepalive': '0'})))).toEqual([])
  })

  it('fails when keepalive_timeout is shorter than the idle timeout', () => {
    const [f] = findings(nginxKeepaliveShorterThanIdleTimeout, worldWith(edit(healthy, {'nginx.keepalive': '30s'})))
    expect(f.message).toBe(
      `nginx keepalive_timeout (30 s) is not longer than the ALB idle timeout (60 s) on 3 of 3 checked instances of web-tg (${INSTANCE_IDS.join(', ')}): expect intermittent 502s`,
    )
    expect(f.evidence).toContain(`${INSTANCE_IDS[0]}: keepalive_timeout 30s`)
    expect(f.remediation.commands!.at(-1)).toBe(
      `aws elbv2 modify-load-balancer-attributes --load-balancer-arn ${ALB_ARN} --attributes Key=idle_timeout.timeout_seconds,Value=25 --region us-east-1`,
    )
  })

  it('fails when the ALB idle timeout was raised above the stock 65 s', () => {
    const [f] = findings(nginxKeepaliveShorterThanIdleTimeout, worldWith(healthy, setIdle('120')))
    expect(f.message).toContain('(65 s) is not longer than the ALB idle timeout (120 s)')
    expect(f.remediation.summary).toContain('keepalive_timeout 135s;')
  })
})
