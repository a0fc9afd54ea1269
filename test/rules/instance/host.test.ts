/** nginx-keepalive-shorter-than-idle-timeout, instance-disk-full, instance-command-no-answer. */
import {describe, expect, it} from 'vitest'

import {instanceCommandNoAnswer} from '../../../src/rules/instance/instance-command-no-answer.js'
import {instanceDiskFull} from '../../../src/rules/instance/instance-disk-full.js'
import {nginxKeepaliveShorterThanIdleTimeout} from '../../../src/rules/instance/nginx-keepalive-shorter-than-idle-timeout.js'
import {ALB_ARN, INSTANCE_IDS, healthyWorld} from '../../fixtures/world.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {edit, findings, outcome, run, sample, section, worldWith} from './helpers.js'

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

describe('instance-disk-full', () => {
  it('passes at 23%', () => {
    expect(findings(instanceDiskFull, worldWith(healthy))).toEqual([])
  })

  it('fails at 97%', () => {
    const [f] = findings(instanceDiskFull, worldWith([healthy, edit(healthy, {'disk.use': '97'}), healthy]))
    expect(f.message).toBe(`The root filesystem is 97% full on 1 of 3 checked instances of web-tg (${INSTANCE_IDS[1]})`)
    expect(f.evidence).toEqual([`${INSTANCE_IDS[1]}: / is 97% used`])
  })
})

describe('instance-command-no-answer', () => {
  it('passes when every instance answered', () => {
    expect(findings(instanceCommandNoAnswer, worldWith(healthy))).toEqual([])
  })

  it('fails for instances that did not answer or were refused, with the reason and the command to look', () => {
    const w = healthyWorld()
    w.onInstance = section([
      run(INSTANCE_IDS[0], healthy),
      run(INSTANCE_IDS[1], '', {status: 'NoAnswer', detail: 'no answer within 90 s (last status: InProgress)'}),
      run(INSTANCE_IDS[2], '', {status: 'SendFailed', commandId: undefined, detail: 'InvalidInstanceId: the instance is not managed by SSM'}),
    ])
    const [f] = findings(instanceCommandNoAnswer, w)
    expect(f.severity).toBe('warning')
    expect(f.message).toBe(
      `The on-instance checks got no usable answer from 2 of 3 instances (${INSTANCE_IDS[1]}, ${INSTANCE_IDS[2]}): NoAnswer: no answer within 90 s (last status: InProgress)`,
    )
    expect(f.evidence[1]).toBe(`${INSTANCE_IDS[2]}: SendFailed: InvalidInstanceId: the instance is not managed by SSM`)
    expect(f.remediation.commands).toEqual([
      `aws ssm describe-instance-information --filters Key=InstanceIds,Values=${INSTANCE_IDS[1]},${INSTANCE_IDS[2]} --region us-east-1`,
      'aws ssm list-command-invocations --command-id cmd-0a1b2c3d --details --region us-east-1',
    ])
  })

  it('fails when an instance answered with something that is not the script output', () => {
    const w = healthyWorld()
    w.onInstance = section([run(INSTANCE_IDS[0], 'sh: 1: Syntax error', {status: 'Failed', responseCode: 2})])
    expect(findings(instanceCommandNoAnswer, w)[0].evidence[0]).toBe(`${INSTANCE_IDS[0]}: Failed (command cmd-0a1b2c3d): Failed, but the output is not the diagnostic script's (sh: 1: Syntax error)`)
  })

  it('is not applicable without on-instance results, or when no instance was selected for them', () => {
    expect(outcome(instanceCommandNoAnswer, healthyWorld())).toEqual({notApplicable: 'on-instance checks were not run (--no-ssm or SSM unreachable)'})
    const w = healthyWorld()
    w.onInstance = section([])
    expect(outcome(instanceCommandNoAnswer, w)).toEqual({notApplicable: 'no instance was selected for the on-instance checks (none online in SSM, or none matched the selection)'})
  })
})
