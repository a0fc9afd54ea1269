/**
 * The agent authenticates with the instance role's credentials from the instance metadata service. No
 * profile, a profile IAM no longer knows, or a profile without a role: no credentials, so the agent cannot
 * even register.
 */
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Remediation, Rule, RuleOutcome} from '../types.js'
import {explainsOffline, notCollected, runningInstances} from './common.js'

export const id = 'ssm-no-instance-profile'

/** Names the remediation gives a new role and instance profile. */
export const SUGGESTED_ROLE = 'ssm-instance-role'
export const SUGGESTED_PROFILE = 'ssm-instance-profile'

const TRUST_EC2 = `'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'`

const createRole = [
  `aws iam create-role --role-name ${SUGGESTED_ROLE} --assume-role-policy-document ${TRUST_EC2}`,
  `aws iam attach-role-policy --role-name ${SUGGESTED_ROLE} --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore`,
]

function remediation(ctx: AnalysisContext, instanceId: string, arn: string | undefined, profileName: string | undefined): Remediation {
  const lt = 'Put the profile in the launch template too, or instances the group launches next come up without it.'
  if (profileName) {
    return {
      summary: `Give instance profile ${profileName} a role that has AmazonSSMManagedInstanceCore.`,
      commands: [...createRole, `aws iam add-role-to-instance-profile --instance-profile-name ${profileName} --role-name ${SUGGESTED_ROLE}`],
    }
  }
  const createProfile = [
    ...createRole,
    `aws iam create-instance-profile --instance-profile-name ${SUGGESTED_PROFILE}`,
    `aws iam add-role-to-instance-profile --instance-profile-name ${SUGGESTED_PROFILE} --role-name ${SUGGESTED_ROLE}`,
  ]
  if (!arn) {
    return {
      summary: `Create an instance profile whose role has AmazonSSMManagedInstanceCore and associate it with ${instanceId}. ${lt}`,
      commands: [...createProfile, `aws ec2 associate-iam-instance-profile --instance-id ${instanceId} --iam-instance-profile Name=${SUGGESTED_PROFILE} ${ctx.regionFlag}`],
    }
  }
  return {
    summary: `Replace ${instanceId}'s dangling instance profile association with a profile that exists. ${lt}`,
    commands: [
      ...createProfile,
      `ASSOC=$(aws ec2 describe-iam-instance-profile-associations --filters Name=instance-id,Values=${instanceId} --query 'IamInstanceProfileAssociations[0].AssociationId' --output text ${ctx.regionFlag})`,
      `aws ec2 replace-iam-instance-profile-association --association-id "$ASSOC" --iam-instance-profile Name=${SUGGESTED_PROFILE} ${ctx.regionFlag}`,
    ],
  }
}

function check(ctx: AnalysisContext): RuleOutcome {
  const skip = notCollected(ctx, 'iam')
  if (skip) return skip
  const iam = ctx.snapshot.iam!
  const findings: Finding[] = []
  for (const instance of runningInstances(ctx)) {
    const instanceId = instance.InstanceId!
    const arn = instance.IamInstanceProfile?.Arn
    const profile = arn ? iam.InstanceProfiles[arn] : undefined
    let message: string
    if (!arn) message = `${instanceId} has no IAM instance profile, so the SSM agent has no credentials`
    else if (iam.NotFound.includes(arn)) message = `${instanceId} carries instance profile ${arn}, which no longer exists in IAM`
    else if (profile && (profile.Roles ?? []).length === 0) message = `Instance profile ${profile.InstanceProfileName} of ${instanceId} holds no role, so the SSM agent has no credentials`
    else continue
    const profileName = profile?.InstanceProfileName
    findings.push(
      ctx.finding(id, {
        message,
        resources: [instanceId, ...(arn ? [arn] : [])],
        evidence: [`IamInstanceProfile: ${arn ?? 'none'}`, ...(profile ? [`Roles: ${(profile.Roles ?? []).length}`] : [])],
        data: {instanceId, instanceProfileArn: arn ?? null},
        remediation: remediation(ctx, instanceId, arn, profileName),
        explains: explainsOffline([instanceId]),
      }),
    )
  }
  return findings
}

export const rule: Rule = {id, check}
