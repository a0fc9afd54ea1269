import {describe, expect, it} from 'vitest'
import {compareVersions, rule} from '../../../src/rules/ssm/ssm-agent-outdated.js'
import {healthyWorld, INSTANCE_IDS} from '../../fixtures/world.js'
import {healthySsmWorld} from '../../fixtures/ssm.js'
import {findings, outcome} from './helpers.js'

describe('ssm-agent-outdated', () => {
  it('passes with the latest agent everywhere', () => {
    expect(findings(rule, healthySsmWorld())).toEqual([])
  })

  it('does not apply when SSM readiness was not collected', () => {
    expect(outcome(rule, healthyWorld())).toHaveProperty('notApplicable')
  })

  it('informs about agents that are not the latest, grouped by version', () => {
    const world = healthySsmWorld()
    for (const n of world.ssm!.InstanceInformationList.slice(0, 2)) Object.assign(n, {AgentVersion: '3.2.582.0', IsLatestVersion: false})
    const [f, ...rest] = findings(rule, world)
    expect(rest).toEqual([])
    expect(f.ruleId).toBe('ssm-agent-outdated')
    expect(f.severity).toBe('info')
    expect(f.message).toBe(`SSM agent 3.2.582.0 on ${INSTANCE_IDS[0]}, ${INSTANCE_IDS[1]} is not the latest version`)
    expect(f.remediation.commands).toEqual([`aws ssm send-command --document-name AWS-UpdateSSMAgent --instance-ids ${INSTANCE_IDS[0]} ${INSTANCE_IDS[1]} --region us-east-1`])
  })

  it('warns about agents too old for Session Manager', () => {
    const world = healthySsmWorld()
    Object.assign(world.ssm!.InstanceInformationList[2], {AgentVersion: '2.3.50.0', IsLatestVersion: false})
    const [f] = findings(rule, world)
    expect(f.severity).toBe('warning')
    expect(f.message).toContain('is older than 2.3.68.0: Session Manager cannot open sessions to it')
  })

  it('compares versions numerically', () => {
    expect(compareVersions('2.3.672.0', '2.3.68.0')).toBe(1)
    expect(compareVersions('2.3.68.0', '2.3.68')).toBe(0)
    expect(compareVersions('2.3.9.0', '2.3.68.0')).toBe(-1)
  })
})
