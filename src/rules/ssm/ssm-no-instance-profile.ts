/**
 * The agent authenticates with the instance role's credentials from the instance metadata service. No
 * profile, a profile IAM no longer knows, or a profile without a role: no credentials, so the agent cannot
 * even register.
 */
import {cmd, raw, shellCommand} from '../../lib/shell.js'
import type {Token} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import {boundedLines} from '../evidence.js'
import type {Finding, Remediation, Rule, RuleOutcome} from '../types.js'
import {explainsOffline, notCollected, runningInstances} from './common.js'

const ID = 'ssm-no-instance-profile'

/** Names the remediation gives a new role and instance profile. */
export const SUGGESTED_ROLE = 'ssm-instance-role'
export const SUGGESTED_PROFILE = 'ssm-instance-profile'

const TRUST_EC2 = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'ec2.amazonaws.com'}, Action: 'sts:AssumeRole'}]})

const createRole = [
  cmd`aws iam create-role --role-name ${SUGGESTED_ROLE} --assume-role-policy-document ${TRUST_EC2}`,
  cmd`aws iam attach-role-policy --role-name ${SUGGESTED_ROLE} --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore`,
]

/** One command over several instances: a shell loop, so a fleet's fix stays one paste. */
function forEach(instanceIds: string[], command: (id: Token) => string): string[] {
  if (instanceIds.length === 1) return [command(instanceIds[0])]
  return [`for id in ${shellCommand(...instanceIds)}; do ${command(raw('"$id"'))}; done`]
}

function remediation(ctx: AnalysisContext, instanceIds: string[], arn: string | undefined, profileName: string | undefined): Remediation {
  const lt = 'Put the profile in the launch template too, or instances the group launches next come up without it.'
  const which = instanceIds.length === 1 ? instanceIds[0] : `the ${instanceIds.length} instances`
  if (profileName) {
    return {
      summary: `Give instance profile ${profileName} a role that has AmazonSSMManagedInstanceCore.`,
      commands: [...createRole, cmd`aws iam add-role-to-instance-profile --instance-profile-name ${profileName} --role-name ${SUGGESTED_ROLE}`],
    }
  }
  const createProfile = [
    ...createRole,
    cmd`aws iam create-instance-profile --instance-profile-name ${SUGGESTED_PROFILE}`,
    cmd`aws iam add-role-to-instance-profile --instance-profile-name ${SUGGESTED_PROFILE} --role-name ${SUGGESTED_ROLE}`,
  ]
  if (!arn) {
    return {
      summary: `Create an instance profile whose role has AmazonSSMManagedInstanceCore and associate it with ${which}. ${lt}`,
      commands: [...createProfile, ...forEach(instanceIds, (id) => cmd`aws ec2 associate-iam-instance-profile --instance-id ${id} --iam-instance-profile Name=${SUGGESTED_PROFILE} ${ctx.regionFlag}`)],
    }
  }
  return {
    summary: `Replace the dangling instance profile association of ${which} with a profile that exists. ${lt}`,
    commands: [
      ...createProfile,
      ...forEach(
        instanceIds,
        (id) =>
          cmd`aws ec2 replace-iam-instance-profile-association --association-id "$(aws ec2 describe-iam-instance-profile-associations --filters Name=instance-id,Values=${id} --query 'IamInstanceProfileAssociations[0].AssociationId' --output text ${ctx.regionFlag})" --iam-instance-profile Name=${SUGGESTED_PROFILE} ${ctx.regionFlag}`,
      ),
    ],
  }
}

type Problem = 'none' | 'gone' | 'no-role'

/** One finding per problem and profile, listing its instances: a fleet launched from one template fails as one. */
function check(ctx: AnalysisContext): RuleOutcome {
  const skip = notCollected(ctx, 'iam')
  if (skip) return skip
  const iam = ctx.snapshot.iam!
  const groups = new Map<string, {problem: Problem; arn?: string; instanceIds: string[]}>()
  for (const instance of runningInstances(ctx)) {
    const arn = instance.IamInstanceProfile?.Arn
    const profile = arn ? iam.InstanceProfiles[arn] : undefined
    const problem: Problem | undefined = !arn ? 'none' : iam.NotFound.includes(arn) ? 'gone' : profile && (profile.Roles ?? []).length === 0 ? 'no-role' : undefined
    if (!problem) continue
    const key = `${problem}:${arn ?? ''}`
    if (!groups.has(key)) groups.set(key, {problem, arn, instanceIds: []})
    groups.get(key)!.instanceIds.push(instance.InstanceId!)
  }
  const findings: Finding[] = []
  for (const {problem, arn, instanceIds} of groups.values()) {
    const profile = arn ? iam.InstanceProfiles[arn] : undefined
    const who = instanceIds.length === 1 ? instanceIds[0] : `${instanceIds.length} instances (${instanceIds.join(', ')})`
    const message =
      problem === 'none'
        ? `${who} ${instanceIds.length === 1 ? 'has' : 'have'} no IAM instance profile, so the SSM agent has no credentials`
        : problem === 'gone'
          ? `${who} ${instanceIds.length === 1 ? 'carries' : 'carry'} instance profile ${arn}, which no longer exists in IAM`
          : `Instance profile ${profile!.InstanceProfileName} of ${who} holds no role, so the SSM agent has no credentials`
    findings.push(
      ctx.finding(ID, {
        message,
        resources: [...instanceIds, ...(arn ? [arn] : [])],
        evidence: boundedLines(instanceIds, (i) => `${i}: IamInstanceProfile ${arn ?? 'none'}${profile ? `, ${(profile.Roles ?? []).length} role(s)` : ''}`, 'instances'),
        data: {instanceIds, instanceProfileArn: arn ?? null},
        remediation: remediation(ctx, instanceIds, arn, profile?.InstanceProfileName),
        explains: explainsOffline(instanceIds),
      }),
    )
  }
  return findings
}

export const rule: Rule = {id: ID, check}
