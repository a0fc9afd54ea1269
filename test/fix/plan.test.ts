/**
 * Plan building is pure: skips with reasons, the matcher check, the warnings, and the confirmation decision.
 */
import {describe, expect, it} from 'vitest'
import {buildPlan, matcherAccepts200, skipReason} from '../../src/fix/plan.js'
import type {PlanInput} from '../../src/fix/plan.js'
import {decide, isYes} from '../../src/fix/confirm.js'
import type {InstanceFacts, SsmFacts} from '../../src/fix/facts.js'
import {IDS, health} from './helpers.js'

const tg = {arn: 'arn:tg', name: 'web-tg', port: 80, healthCheckPath: '/health', matcher: '200'}

function input(o: Partial<PlanInput> = {}): PlanInput {
  return {
    targetGroup: tg,
    registered: IDS.map((id) => health(id, 'unhealthy')),
    instances: new Map<string, InstanceFacts>(IDS.map((id) => [id, {instanceId: id, state: 'running', privateIp: '10.0.0.1'}])),
    ssm: new Map<string, SsmFacts>(IDS.map((id) => [id, {pingStatus: 'Online', platformType: 'Linux'}])),
    port: 80,
    healthCheckPath: '/health',
    indexSource: 'default',
    script: ['#!/bin/sh'],
    autoScalingGroups: ['web-asg'],
    ...o,
  }
}

describe('skip reasons', () => {
  it('fixes a running, Online Linux instance of the target group', () => {
    expect(skipReason(IDS[0], input())).toBeUndefined()
  })

  it.each([
    ['not-found', input({instances: new Map()}), 'no such instance in this account and region'],
    ['not-running', input({instances: new Map([[IDS[0], {instanceId: IDS[0], state: 'stopped'}]])}), 'instance is stopped'],
    ['not-linux', input({instances: new Map([[IDS[0], {instanceId: IDS[0], state: 'running', platform: 'windows'}]])}), 'fix-nginx installs on Linux only'],
    ['not-ssm-online', input({ssm: new Map([[IDS[0], {pingStatus: 'ConnectionLost'}]])}), 'SSM agent ping status is ConnectionLost'],
    ['not-in-target-group', input({explicitIds: [IDS[0]], registered: []}), 'not registered in target group web-tg'],
  ])('skips %s', (reason, i, detail) => {
    expect(skipReason(IDS[0], i)).toEqual({instanceId: IDS[0], reason, detail})
  })

  it('skips an instance Systems Manager does not know, pointing at diagnose', () => {
    expect(skipReason(IDS[0], input({ssm: new Map()}))).toMatchObject({reason: 'not-ssm-online', detail: expect.stringContaining('`asg-doctor diagnose` says which')})
  })
})

describe('buildPlan', () => {
  it('lists targets and skips apart, and warns that new instances come up broken without --persist', () => {
    const plan = buildPlan(input({ssm: new Map([[IDS[0], {pingStatus: 'Online'}], [IDS[2], {pingStatus: 'Inactive'}]])}))
    expect(plan.targets).toEqual([{instanceId: IDS[0], privateIp: '10.0.0.1', targetState: 'unhealthy'}])
    expect(plan.skipped.map((s) => [s.instanceId, s.reason])).toEqual([[IDS[1], 'not-ssm-online'], [IDS[2], 'not-ssm-online']])
    expect(plan.warnings).toEqual(['This fixes the running instances only: instances that Auto Scaling group web-asg launches later come up without nginx. Add --persist (and --refresh) to fix the launch template.'])
  })

  it('warns when the matcher does not accept the 200 nginx will answer', () => {
    const plan = buildPlan(input({targetGroup: {...tg, matcher: '301'}, persist: {groups: [], refresh: false, minHealthyPercentage: 90}}))
    expect(plan.warnings).toEqual(["Target group web-tg's health check expects HTTP 301; nginx will answer 200, so targets stay unhealthy until the matcher accepts 200."])
  })

  it.each([
    ['200', true],
    ['200-299', true],
    ['301,200', true],
    ['201-399', false],
    ['301', false],
  ])('matcher %s accepts 200: %s', (matcher, ok) => {
    expect(matcherAccepts200(matcher)).toBe(ok)
  })
})

describe('confirmation', () => {
  it.each([
    [{yes: false, dryRun: false, interactive: true}, 'ask'],
    [{yes: false, dryRun: false, interactive: false}, 'refuse'],
    [{yes: true, dryRun: false, interactive: false}, 'apply'],
    [{yes: true, dryRun: false, interactive: true}, 'apply'],
    [{yes: true, dryRun: true, interactive: true}, 'dry-run'],
    [{yes: false, dryRun: true, interactive: false}, 'dry-run'],
  ])('%j -> %s', (i, decision) => {
    expect(decide(i)).toBe(decision)
  })

  it.each([
    ['y', true],
    ['YES', true],
    [' yes ', true],
    ['', false],
    ['n', false],
    ['yeah', false],
  ])('reads %j as %s', (answer, yes) => {
    expect(isYes(answer)).toBe(yes)
  })
})
