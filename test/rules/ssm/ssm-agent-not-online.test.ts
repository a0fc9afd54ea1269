import {describe, expect, it} from 'vitest'
import {rule} from '../../../src/rules/ssm/ssm-agent-not-online.js'
import {healthyWorld, INSTANCE_IDS} from '../../fixtures/world.js'
import {healthySsmWorld} from '../../fixtures/ssm.js'
import {findings, outcome} from './helpers.js'

describe('ssm-agent-not-online', () => {
  it('passes when every running instance is Online', () => {
    expect(findings(rule, healthySsmWorld())).toEqual([])
  })

  it('does not apply when SSM readiness was not collected', () => {
    expect(outcome(rule, healthyWorld())).toEqual({notApplicable: expect.stringContaining('SSM readiness was not collected')})
  })

  it('reports an instance SSM does not list as never registered', () => {
    const world = healthySsmWorld()
    world.ssm!.InstanceInformationList = world.ssm!.InstanceInformationList.filter((n) => n.InstanceId !== INSTANCE_IDS[2])
    const [f, ...rest] = findings(rule, world)
    expect(rest).toEqual([])
    expect(f.ruleId).toBe('ssm-agent-not-online')
    expect(f.resources).toEqual([INSTANCE_IDS[2]])
    expect(f.message).toBe(`${INSTANCE_IDS[2]} is not registered with Systems Manager: its agent has never checked in`)
    expect(f.data?.pingStatus).toBe('NotRegistered')
  })

  it('reports ConnectionLost with the last ping and its age', () => {
    const world = healthySsmWorld()
    Object.assign(world.ssm!.InstanceInformationList[0], {PingStatus: 'ConnectionLost', LastPingDateTime: '2026-11-20T11:32:05.000Z'})
    const [f] = findings(rule, world)
    expect(f.message).toBe(`SSM agent on ${INSTANCE_IDS[0]} is ConnectionLost; last ping 2026-11-20T11:32:05.000Z (3 h before collection)`)
    expect(f.remediation.commands).toEqual([`aws ec2 reboot-instances --instance-ids ${INSTANCE_IDS[0]} --region us-east-1`])
  })

  it('does not judge instances it never asked about, nor stopped ones', () => {
    const world = healthySsmWorld()
    world.ssm!.InstanceInformationList = []
    world.ssm!.RequestedInstanceIds = [INSTANCE_IDS[0], INSTANCE_IDS[1]]
    world.ec2.Instances[1].State = {Code: 80, Name: 'stopped'}
    expect(findings(rule, world).map((f) => f.resources[0])).toEqual([INSTANCE_IDS[0]])
  })
})
