/**
 * --persist: the install goes into a new launch template version, so instances the group launches later come up
 * with nginx; --refresh then replaces the running ones. Planning only reads; applying writes.
 *
 * Idempotent: when the version the group uses already holds the exact install block, nothing is created, and
 * --refresh starts a refresh only if some instance still runs another version.
 */
import type {AutoScalingGroup} from '@aws-sdk/client-auto-scaling'
import {autoScalingSdk, ec2Sdk} from '../lib/aws.js'
import type {AwsClients} from '../lib/aws.js'
import {awsErrorCode, describeAwsFailure, UserError} from '../lib/errors.js'
import {INSTALL_MARKER} from '../ssm/install-script.js'
import {CallRunner} from '../collect/runner.js'
import {decodeUserData, encodeUserData, mergeUserData, userDataFormat} from '../lib/user-data.js'

export interface PersistGroupPlan {
  autoScalingGroupName: string
  launchTemplateId: string
  launchTemplateName: string
  /** The version as the group names it: a number, `$Latest` or `$Default`. */
  groupVersion: string
  /** The number that resolves to. */
  sourceVersion: number
  /** `create-version`, or `present` when that version already holds the install block. */
  action: 'create-version' | 'present'
  /** The user data format of the source version (see lib/user-data.ts). */
  format: string
  /** The new user data (decoded), for create-version. */
  newUserData?: string
  /** false when the group follows `$Latest`: the new version is picked up without touching the group. */
  updateGroup: boolean
  /** Instances of the group not on the version that holds the install (what a refresh would replace). */
  staleInstances: number
  refresh: boolean
}

export interface PersistPlan {
  groups: PersistGroupPlan[]
  refresh: boolean
  minHealthyPercentage: number
}

export interface PersistResult {
  autoScalingGroupName: string
  createdVersion?: number
  groupUpdatedTo?: string
  instanceRefreshId?: string
  notes: string[]
  error?: string
}

export async function planPersist(
  groups: AutoScalingGroup[],
  block: string,
  clients: AwsClients,
  options: {refresh: boolean; minHealthyPercentage: number},
  calls: CallRunner = new CallRunner(),
): Promise<PersistPlan> {
  if (groups.length === 0) {
    throw new UserError('--persist needs an Auto Scaling group, and none is attached to the target group.', 'Attach the group to the target group, or drop --persist and fix the launch template yourself.')
  }
  const plans: PersistGroupPlan[] = []
  for (const g of groups) plans.push(await planGroup(g, block, clients, options.refresh, calls))
  return {groups: plans, refresh: options.refresh, minHealthyPercentage: options.minHealthyPercentage}
}

async function planGroup(g: AutoScalingGroup, block: string, clients: AwsClients, refresh: boolean, calls: CallRunner): Promise<PersistGroupPlan> {
  const name = g.AutoScalingGroupName!
  if (g.MixedInstancesPolicy) {
    throw new UserError(
      `Auto Scaling group ${name} uses a mixed instances policy; asg-doctor does not rewrite those.`,
      `Run without --persist, then add the install (asg-doctor fix-nginx --dry-run --json shows it as .plan.script) to the group's launch template and update the policy by hand.`,
    )
  }
  if (!g.LaunchTemplate) {
    throw new UserError(`Auto Scaling group ${name} uses a launch configuration, which cannot get new versions.`, 'Move the group to a launch template first (the console offers "Copy to launch template"), then run --persist again.')
  }
  const lt = g.LaunchTemplate
  const groupVersion = lt.Version ?? '$Default'
  const sdk = ec2Sdk()
  const res = await calls.must('ec2:DescribeLaunchTemplateVersions', lt.LaunchTemplateId ?? lt.LaunchTemplateName, () =>
    clients.ec2.send(
      new sdk.DescribeLaunchTemplateVersionsCommand({
        ...(lt.LaunchTemplateId ? {LaunchTemplateId: lt.LaunchTemplateId} : {LaunchTemplateName: lt.LaunchTemplateName}),
        Versions: [groupVersion],
      }),
    ),
  )
  const version = res.LaunchTemplateVersions?.[0]
  if (!version) throw new UserError(`Version ${groupVersion} of launch template ${lt.LaunchTemplateName ?? lt.LaunchTemplateId} (used by ${name}) was not found.`)
  const userData = decodeUserData(version.LaunchTemplateData?.UserData)
  const format = userDataFormat(userData)
  const present = userData.includes(block)
  if (!present && userData.includes(INSTALL_MARKER)) {
    throw new UserError(
      `Launch template ${version.LaunchTemplateName} version ${version.VersionNumber} already holds a different asg-doctor install (another port, path or index page).`,
      'Remove that block from the user data (a new version without it), then run --persist again.',
    )
  }
  if (!present && format === 'unknown') {
    throw new UserError(
      `The user data of launch template ${version.LaunchTemplateName} version ${version.VersionNumber} is not a format cloud-init runs (it starts with ${JSON.stringify(userData.slice(0, 20))}).`,
      'asg-doctor extends shell scripts, #cloud-config and MIME multipart user data only.',
    )
  }
  const onVersion = String(version.VersionNumber)
  return {
    autoScalingGroupName: name,
    launchTemplateId: version.LaunchTemplateId!,
    launchTemplateName: version.LaunchTemplateName!,
    groupVersion,
    sourceVersion: version.VersionNumber!,
    action: present ? 'present' : 'create-version',
    format,
    ...(present ? {} : {newUserData: mergeUserData(userData, block)}),
    updateGroup: !present && groupVersion !== '$Latest',
    staleInstances: (g.Instances ?? []).filter((i) => !present || i.LaunchTemplate?.Version !== onVersion).length,
    refresh,
  }
}

/**
 * Applies the plan group by group. A failed change is the group's `error` (the user sees it, the command fails),
 * and what was changed before it stays in the result: the record of a new version survives a later failure.
 */
export async function applyPersist(plan: PersistPlan, clients: AwsClients, calls: CallRunner = new CallRunner()): Promise<PersistResult[]> {
  const results: PersistResult[] = []
  // Groups sharing a launch template version share the new version too.
  const created = new Map<string, number>()
  for (const g of plan.groups) {
    const result: PersistResult = {autoScalingGroupName: g.autoScalingGroupName, notes: []}
    try {
      let version = g.sourceVersion
      if (g.action === 'create-version') {
        const key = `${g.launchTemplateId}:${g.sourceVersion}`
        version = created.get(key) ?? (await createVersion(g, clients, calls))
        created.set(key, version)
        result.createdVersion = version
      } else {
        result.notes.push(`launch template ${g.launchTemplateName} version ${g.sourceVersion} already installs nginx: no new version`)
      }
      if (g.updateGroup) {
        await updateGroup(g, String(version), clients, calls)
        result.groupUpdatedTo = String(version)
      } else if (g.action === 'create-version') {
        result.notes.push(`${g.autoScalingGroupName} follows $Latest: it uses version ${version} without a change to the group`)
      }
      if (plan.refresh && g.staleInstances > 0) result.instanceRefreshId = await startRefresh(g.autoScalingGroupName, plan.minHealthyPercentage, clients, calls)
      else if (plan.refresh) result.notes.push('every instance already runs that version: no instance refresh needed')
    } catch (error) {
      result.error = error instanceof Error ? error.message : String(error)
    }
    results.push(result)
  }
  return results
}

async function createVersion(g: PersistGroupPlan, clients: AwsClients, calls: CallRunner): Promise<number> {
  const sdk = ec2Sdk()
  const res = await calls.must('ec2:CreateLaunchTemplateVersion', g.launchTemplateId, () =>
    clients.ec2.send(
      new sdk.CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: g.launchTemplateId,
        SourceVersion: String(g.sourceVersion),
        VersionDescription: `asg-doctor fix-nginx: version ${g.sourceVersion} + nginx install`,
        LaunchTemplateData: {UserData: encodeUserData(g.newUserData!).base64},
      }),
    ),
  )
  return res.LaunchTemplateVersion!.VersionNumber!
}

async function updateGroup(g: PersistGroupPlan, version: string, clients: AwsClients, calls: CallRunner): Promise<void> {
  const sdk = autoScalingSdk()
  await calls.must('autoscaling:UpdateAutoScalingGroup', g.autoScalingGroupName, () =>
    clients.autoscaling.send(new sdk.UpdateAutoScalingGroupCommand({AutoScalingGroupName: g.autoScalingGroupName, LaunchTemplate: {LaunchTemplateId: g.launchTemplateId, Version: version}})),
  )
}

async function startRefresh(name: string, minHealthyPercentage: number, clients: AwsClients, calls: CallRunner): Promise<string> {
  const sdk = autoScalingSdk()
  try {
    const res = await calls.attempt('autoscaling:StartInstanceRefresh', name, () =>
      clients.autoscaling.send(new sdk.StartInstanceRefreshCommand({AutoScalingGroupName: name, Preferences: {MinHealthyPercentage: minHealthyPercentage}})),
    )
    return res.InstanceRefreshId!
  } catch (error) {
    if (awsErrorCode(error) === 'InstanceRefreshInProgress' || awsErrorCode(error) === 'InstanceRefreshInProgressFault') {
      throw new Error(`an instance refresh is already running on ${name}; it uses the launch template as it was when it started: start another when it ends (aws autoscaling describe-instance-refreshes --auto-scaling-group-name ${name})`)
    }
    throw describeAwsFailure('autoscaling:StartInstanceRefresh', error) ?? error
  }
}
