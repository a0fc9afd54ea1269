import {describe, expect, it} from 'vitest'
import {rule} from '../../../src/rules/ssm/ssm-endpoint-not-in-az.js'
import {healthyWorld, INSTANCE_IDS, PRIVATE_SUBNETS} from '../../fixtures/world.js'
import {healthySsmWorld} from '../../fixtures/ssm.js'
import {findings, outcome} from './helpers.js'
import {endpoint} from './world-edits.js'

describe('ssm-endpoint-not-in-az', () => {
  it('passes when each endpoint covers every instance AZ', () => {
    expect(findings(rule, healthySsmWorld())).toEqual([])
  })

  it('does not apply when SSM readiness was not collected', () => {
    expect(outcome(rule, healthyWorld())).toHaveProperty('notApplicable')
  })

  it('warns, as a resilience matter, about instances in AZs the endpoint does not cover', () => {
    const world = healthySsmWorld()
    const ep = endpoint(world, 'ssm')
    ep.SubnetIds = [PRIVATE_SUBNETS[0]]
    const [f, ...rest] = findings(rule, world)
    expect(rest).toEqual([])
    expect(f.ruleId).toBe('ssm-endpoint-not-in-az')
    expect(f.severity).toBe('warning')
    expect(f.message).toBe(
      `Endpoint ${ep.VpcEndpointId} (ssm) has no interface in us-east-1b, us-east-1c: ${INSTANCE_IDS[1]}, ${INSTANCE_IDS[2]} reach it across AZs, and lose it if us-east-1a fails`,
    )
    expect(f.remediation.commands).toEqual([
      `aws ec2 modify-vpc-endpoint --vpc-endpoint-id ${ep.VpcEndpointId} --add-subnet-ids ${PRIVATE_SUBNETS[1]} ${PRIVATE_SUBNETS[2]} --region us-east-1`,
    ])
    expect(f.explains).toBeUndefined()
  })

  it('stays silent when an endpoint subnet is not in the snapshot', () => {
    const world = healthySsmWorld()
    endpoint(world, 'ssm').SubnetIds = ['subnet-0unknown000000001']
    expect(findings(rule, world)).toEqual([])
  })
})
