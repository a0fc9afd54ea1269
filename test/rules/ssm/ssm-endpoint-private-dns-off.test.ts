import {describe, expect, it} from 'vitest'
import {rule} from '../../../src/rules/ssm/ssm-endpoint-private-dns-off.js'
import {healthyWorld, INSTANCE_IDS, VPC_ID} from '../../fixtures/world.js'
import {healthySsmWorld} from '../../fixtures/ssm.js'
import {findings, outcome} from './helpers.js'
import {endpoint, removeNatRoutes} from './world-edits.js'

describe('ssm-endpoint-private-dns-off', () => {
  it('passes with private DNS on every endpoint', () => {
    expect(findings(rule, healthySsmWorld())).toEqual([])
  })

  it('does not apply when SSM readiness was not collected', () => {
    expect(outcome(rule, healthyWorld())).toHaveProperty('notApplicable')
  })

  it('is an error when the instances have no NAT to fall back on', () => {
    const world = removeNatRoutes(healthySsmWorld())
    const ep = endpoint(world, 'ssmmessages')
    ep.PrivateDnsEnabled = false
    const [f, ...rest] = findings(rule, world)
    expect(rest).toEqual([])
    expect(f.ruleId).toBe('ssm-endpoint-private-dns-off')
    expect(f.severity).toBe('error')
    expect(f.message).toBe(
      `Endpoint ${ep.VpcEndpointId} (com.amazonaws.us-east-1.ssmmessages) has private DNS off, so ${INSTANCE_IDS.join(', ')} resolve the public ssmmessages address and have no route to it`,
    )
    expect(f.resources).toEqual([ep.VpcEndpointId, VPC_ID, ...INSTANCE_IDS])
    expect(f.remediation.commands).toEqual([`aws ec2 modify-vpc-endpoint --vpc-endpoint-id ${ep.VpcEndpointId} --private-dns-enabled --region us-east-1`])
    expect(f.explains).toHaveLength(3)
  })

  it('is a warning when traffic goes through NAT instead', () => {
    const world = healthySsmWorld()
    endpoint(world, 'ssm').PrivateDnsEnabled = false
    const [f] = findings(rule, world)
    expect(f.severity).toBe('warning')
    expect(f.message).toContain('the endpoint is unused')
    expect(f.explains).toBeUndefined()
  })
})
