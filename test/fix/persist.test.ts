/**
 * --persist: the new launch template version (SourceVersion, user data holding both the old script and the
 * install), the group update, the instance refresh only with --refresh, and nothing created on a second run.
 */
import {DescribeAutoScalingGroupsCommand, StartInstanceRefreshCommand, UpdateAutoScalingGroupCommand} from '@aws-sdk/client-auto-scaling'
import {CreateLaunchTemplateVersionCommand, DescribeLaunchTemplateVersionsCommand} from '@aws-sdk/client-ec2'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {Chalk} from 'chalk'
import {applyPersist, planPersist} from '../../src/fix/persist.js'
import {renderPlan, renderReport} from '../../src/fix/render.js'
import {runFix} from '../../src/fix/run.js'
import {decodeUserData, mergeUserData} from '../../src/lib/user-data.js'
import {installScript} from '../../src/ssm/install-script.js'
import {ALB_NAME, ASG_NAME, BROKEN_USER_DATA, LT_ID} from '../fixtures/world.js'
import {asg, fakeClock, fakeRunner, installed, mocks, world} from './helpers.js'
import type {Mocks} from './helpers.js'

const c = new Chalk({level: 0})
const BLOCK = installScript({port: 80, healthCheckPath: '/health'}).join('\n')
const b64 = (s: string) => Buffer.from(s).toString('base64')

let m: Mocks
beforeEach(() => {
  m = mocks()
  world(m)
  m.ec2.on(CreateLaunchTemplateVersionCommand).resolves({LaunchTemplateVersion: {LaunchTemplateId: LT_ID, VersionNumber: 4}})
  m.autoscaling.on(UpdateAutoScalingGroupCommand).resolves({})
  m.autoscaling.on(StartInstanceRefreshCommand).resolves({InstanceRefreshId: 'refresh-1'})
})
afterEach(() => m.reset())

const createdUserData = () => decodeUserData(m.ec2.commandCalls(CreateLaunchTemplateVersionCommand)[0].args[0].input.LaunchTemplateData!.UserData)

describe('persist', () => {
  it('creates a version from the group\'s version whose user data runs the old script and the install, then points the group at it', async () => {
    const plan = await planPersist([asg()], BLOCK, m.clients, {refresh: false, minHealthyPercentage: 90})
    expect(plan.groups[0]).toMatchObject({action: 'create-version', sourceVersion: 3, groupVersion: '3', format: 'text/x-shellscript', updateGroup: true, staleInstances: 3})
    const results = await applyPersist(plan, m.clients)
    const create = m.ec2.commandCalls(CreateLaunchTemplateVersionCommand)[0].args[0].input
    expect(create).toMatchObject({LaunchTemplateId: LT_ID, SourceVersion: '3'})
    const userData = createdUserData()
    expect(userData).toContain(BROKEN_USER_DATA.trimEnd())
    expect(userData).toContain(BLOCK)
    expect(userData.indexOf('dnf update -y')).toBeLessThan(userData.indexOf(BLOCK))
    expect(m.autoscaling.commandCalls(UpdateAutoScalingGroupCommand)[0].args[0].input).toEqual({AutoScalingGroupName: ASG_NAME, LaunchTemplate: {LaunchTemplateId: LT_ID, Version: '4'}})
    expect(m.autoscaling.commandCalls(StartInstanceRefreshCommand)).toHaveLength(0)
    expect(results).toEqual([{autoScalingGroupName: ASG_NAME, createdVersion: 4, groupUpdatedTo: '4', notes: []}])
  })

  it('starts an instance refresh with --refresh, keeping 90% healthy by default', async () => {
    const plan = await planPersist([asg()], BLOCK, m.clients, {refresh: true, minHealthyPercentage: 90})
    const [result] = await applyPersist(plan, m.clients)
    expect(m.autoscaling.commandCalls(StartInstanceRefreshCommand)[0].args[0].input).toEqual({AutoScalingGroupName: ASG_NAME, Preferences: {MinHealthyPercentage: 90}})
    expect(result.instanceRefreshId).toBe('refresh-1')
  })

  it('creates nothing on a second run, when the version already holds the install', async () => {
    m.ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({
      LaunchTemplateVersions: [{LaunchTemplateId: LT_ID, LaunchTemplateName: 'web-lt', VersionNumber: 4, LaunchTemplateData: {UserData: b64(mergeUserData(BROKEN_USER_DATA, BLOCK))}}],
    })
    const group = asg({LaunchTemplate: {LaunchTemplateId: LT_ID, LaunchTemplateName: 'web-lt', Version: '4'}, Instances: asg().Instances!.map((i) => ({...i, LaunchTemplate: {Version: '4'}}))})
    const plan = await planPersist([group], BLOCK, m.clients, {refresh: true, minHealthyPercentage: 90})
    expect(plan.groups[0]).toMatchObject({action: 'present', updateGroup: false, staleInstances: 0})
    const [result] = await applyPersist(plan, m.clients)
    expect(m.ec2.commandCalls(CreateLaunchTemplateVersionCommand)).toHaveLength(0)
    expect(m.autoscaling.commandCalls(UpdateAutoScalingGroupCommand)).toHaveLength(0)
    expect(m.autoscaling.commandCalls(StartInstanceRefreshCommand)).toHaveLength(0)
    expect(result.notes).toEqual(['launch template web-lt version 4 already installs nginx: no new version', 'every instance already runs that version: no instance refresh needed'])
  })

  it('leaves a group on $Latest alone: it picks up the new version', async () => {
    const plan = await planPersist([asg({LaunchTemplate: {LaunchTemplateId: LT_ID, Version: '$Latest'}})], BLOCK, m.clients, {refresh: false, minHealthyPercentage: 90})
    expect(m.ec2.commandCalls(DescribeLaunchTemplateVersionsCommand)[0].args[0].input).toEqual({LaunchTemplateId: LT_ID, Versions: ['$Latest']})
    const [result] = await applyPersist(plan, m.clients)
    expect(m.autoscaling.commandCalls(UpdateAutoScalingGroupCommand)).toHaveLength(0)
    expect(result.notes).toEqual([`${ASG_NAME} follows $Latest: it uses version 4 without a change to the group`])
  })

  it('refuses a mixed instances policy and a launch configuration clearly', async () => {
    await expect(planPersist([asg({MixedInstancesPolicy: {LaunchTemplate: {}}})], BLOCK, m.clients, {refresh: false, minHealthyPercentage: 90})).rejects.toThrow(`Auto Scaling group ${ASG_NAME} uses a mixed instances policy`)
    await expect(planPersist([asg({LaunchTemplate: undefined, LaunchConfigurationName: 'old-lc'})], BLOCK, m.clients, {refresh: false, minHealthyPercentage: 90})).rejects.toThrow('uses a launch configuration')
  })

  it('refuses user data it cannot extend, and a different asg-doctor block', async () => {
    m.ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({LaunchTemplateVersions: [{LaunchTemplateId: LT_ID, LaunchTemplateName: 'web-lt', VersionNumber: 3, LaunchTemplateData: {UserData: b64('<powershell>Install-WindowsFeature Web-Server</powershell>')}}]})
    await expect(planPersist([asg()], BLOCK, m.clients, {refresh: false, minHealthyPercentage: 90})).rejects.toThrow('is not a format cloud-init runs')
    const other = installScript({port: 8080, healthCheckPath: '/health'}).join('\n')
    m.ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({LaunchTemplateVersions: [{LaunchTemplateId: LT_ID, LaunchTemplateName: 'web-lt', VersionNumber: 3, LaunchTemplateData: {UserData: b64(other)}}]})
    await expect(planPersist([asg()], BLOCK, m.clients, {refresh: false, minHealthyPercentage: 90})).rejects.toThrow('already holds a different asg-doctor install')
  })

  it('reports a refresh already in progress for that group, and is not ok', async () => {
    m.autoscaling.on(StartInstanceRefreshCommand).rejects(Object.assign(new Error('in progress'), {name: 'InstanceRefreshInProgress', $metadata: {}}))
    const plan = await planPersist([asg()], BLOCK, m.clients, {refresh: true, minHealthyPercentage: 75})
    const [result] = await applyPersist(plan, m.clients)
    expect(result.createdVersion).toBe(4)
    expect(result.error).toMatch(/an instance refresh is already running on web-asg/)
  })

  it('runs end to end from fix-nginx --persist --refresh, shown in the plan and the report', async () => {
    m.autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({AutoScalingGroups: [asg()]})
    const plans: Parameters<typeof renderPlan>[0][] = []
    const report = await runFix(
      {alb: ALB_NAME, indexSource: 'default', persist: true, refresh: true, minHealthyPercentage: 90, timeoutSeconds: 30, verify: false, yes: true, dryRun: false, interactive: false},
      {clients: m.clients, runner: fakeRunner(installed), clock: fakeClock(), probe: async () => ({status: 200}), ask: async () => true, showPlan: (p) => plans.push(p), progress: () => {}},
    )
    const plan = renderPlan(plans[0], c)
    expect(plan).toContain('web-asg: new version of launch template web-lt (lt-0abcdef1234567890) version 3, copied from it with new user data (MIME multipart: the original text/x-shellscript first, unchanged, then the install); then point the group at the new version')
    expect(plan).toContain('start an instance refresh of web-asg: replaces 3 instance(s), keeping 90% healthy')
    expect(plan).not.toContain('This fixes the running instances only')
    expect(renderReport(report, c)).toContain('ok     web-asg: created launch template version 4; group now uses version 4; instance refresh refresh-1 started')
    expect(createdUserData()).toContain(BLOCK)
    expect(report.ok).toBe(true)
  })
})
