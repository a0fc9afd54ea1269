import {describe, expect, it} from 'vitest'
import {rule} from '../../../src/rules/ssm/ssm-vpc-dns-disabled.js'
import {healthyWorld, INSTANCE_IDS, VPC_ID} from '../../fixtures/world.js'
import {healthySsmWorld} from '../../fixtures/ssm.js'
import {findings, outcome} from './helpers.js'
import {removeEndpoints} from './world-edits.js'

describe('ssm-vpc-dns-disabled', () => {
  it('passes with both attributes on', () => {
    expect(findings(rule, healthySsmWorld())).toEqual([])
  })

  it('does not apply when SSM readiness was not collected', () => {
    expect(outcome(rule, healthyWorld())).toHaveProperty('notApplicable')
  })

  it('fails with enableDnsSupport off, endpoints or not', () => {
    const world = removeEndpoints(healthySsmWorld(), ['ssm', 'ssmmessages', 'ec2messages'])
    world.ec2.VpcAttributes[VPC_ID].EnableDnsSupport = false
    const [f, ...rest] = findings(rule, world)
    expect(rest).toEqual([])
    expect(f.ruleId).toBe('ssm-vpc-dns-disabled')
    expect(f.message).toBe(`${VPC_ID} has enableDnsSupport off: the Amazon DNS server is disabled, so the SSM agent cannot resolve any endpoint`)
    expect(f.remediation.commands).toEqual([`aws ec2 modify-vpc-attribute --vpc-id ${VPC_ID} --enable-dns-support '{"Value":true}' --region us-east-1`])
    expect(f.explains).toHaveLength(INSTANCE_IDS.length)
  })

  it('fails with enableDnsHostnames off when the agents rely on private DNS endpoints', () => {
    const world = healthySsmWorld()
    world.ec2.VpcAttributes[VPC_ID].EnableDnsHostnames = false
    const [f] = findings(rule, world)
    expect(f.message).toContain('enableDnsHostnames off: the private DNS of its SSM interface endpoints does not resolve')
    expect(f.remediation.commands).toEqual([`aws ec2 modify-vpc-attribute --vpc-id ${VPC_ID} --enable-dns-hostnames '{"Value":true}' --region us-east-1`])
  })

  it('ignores enableDnsHostnames off when the agents go through NAT', () => {
    const world = removeEndpoints(healthySsmWorld(), ['ssm', 'ssmmessages', 'ec2messages'])
    world.ec2.VpcAttributes[VPC_ID].EnableDnsHostnames = false
    expect(findings(rule, world)).toEqual([])
  })
})
