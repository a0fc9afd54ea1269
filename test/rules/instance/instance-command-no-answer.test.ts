import {describe, expect, it} from 'vitest'

import {rule as instanceCommandNoAnswer} from '../../../src/rules/instance/instance-command-no-answer.js'
import {INSTANCE_IDS, healthyWorld} from '../../fixtures/world.js'
import {findings, outcome, run, section, worldWith, sample} from './helpers.js'

const healthy = sample('al2023-healthy')

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
