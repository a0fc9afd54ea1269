/**
 * The IAM actions each command needs: the source of `asg-doctor policy` and of docs/iam.md. A test checks that
 * every API a rule declares in the catalogue (`requires`) is granted here, so the two cannot drift apart.
 */

export interface PermissionSet {
  /** Sid of the statement. */
  sid: string
  why: string
  actions: readonly string[]
  /** An IAM condition block for the statement, when the actions should only apply through one path. */
  condition?: Record<string, Record<string, string>>
}

/** `diagnose`, API reads only (all that `--no-ssm` needs): read-only Describe/Get/List calls. */
export const DIAGNOSE_READ = [
  {
    sid: 'ReadLoadBalancer',
    why: 'The ALB, its attributes, listeners, rules, target groups and target health.',
    actions: [
      'elasticloadbalancing:DescribeLoadBalancers',
      'elasticloadbalancing:DescribeLoadBalancerAttributes',
      'elasticloadbalancing:DescribeListeners',
      'elasticloadbalancing:DescribeRules',
      'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:DescribeTargetGroupAttributes',
      'elasticloadbalancing:DescribeTargetHealth',
    ],
  },
  {
    sid: 'ReadAutoScaling',
    why: 'The Auto Scaling groups behind the target groups and their recent scaling activities.',
    actions: ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeScalingActivities'],
  },
  {
    sid: 'ReadNetworkAndInstances',
    why: 'Instances, subnets, route tables, NACLs, security groups, VPC endpoints, NAT and internet gateways, prefix lists, launch templates.',
    actions: [
      'ec2:DescribeInstances',
      'ec2:DescribeSubnets',
      'ec2:DescribeRouteTables',
      'ec2:DescribeNetworkAcls',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeVpcs',
      'ec2:DescribeVpcAttribute',
      'ec2:DescribeVpcEndpoints',
      'ec2:DescribeNatGateways',
      'ec2:DescribeInternetGateways',
      'ec2:DescribeManagedPrefixLists',
      'ec2:GetManagedPrefixListEntries',
      'ec2:DescribeLaunchTemplateVersions',
    ],
  },
  {
    sid: 'ReadSsmReadiness',
    why: 'Whether SSM can reach each instance: instance profiles, role policies, SSM registration.',
    actions: [
      'iam:GetInstanceProfile',
      'iam:ListAttachedRolePolicies',
      'iam:ListRolePolicies',
      'iam:GetRolePolicy',
      'iam:GetPolicy',
      'iam:GetPolicyVersion',
      'ssm:DescribeInstanceInformation',
    ],
  },
  {
    sid: 'WhoAmI',
    why: 'The account id for the report (optional: the diagnosis runs without it).',
    actions: ['sts:GetCallerIdentity'],
  },
] as const satisfies readonly PermissionSet[]

/**
 * `diagnose`, evidence over time (what `--no-history` leaves out): metrics, change history and the load balancer's
 * access and health-check logs. All reads; kms:Decrypt only through S3, for log buckets encrypted with a KMS key.
 */
export const DIAGNOSE_HISTORY = [
  {
    sid: 'ReadMetrics',
    why: 'The load balancer\'s, target groups\' and Auto Scaling groups\' CloudWatch metrics over the window (5xx, connection errors, healthy hosts, CPU).',
    actions: ['cloudwatch:GetMetricData'],
  },
  {
    sid: 'ReadChangeHistory',
    why: 'What changed before the errors began: CloudTrail events on the resources in scope, Auto Scaling activities and instance refreshes, launch template versions.',
    actions: ['cloudtrail:LookupEvents', 'autoscaling:DescribeInstanceRefreshes', 'autoscaling:DescribeScalingActivities', 'ec2:DescribeLaunchTemplateVersions'],
  },
  {
    sid: 'ReadLoadBalancerLogs',
    why: 'The access and health-check log objects of the window, from the bucket the load balancer\'s attributes name. Scope Resource to that bucket if you wish.',
    actions: ['s3:ListBucket', 's3:GetObject'],
  },
  {
    sid: 'DecryptLogsThroughS3',
    why: 'Only for log buckets encrypted with a KMS key (SSE-KMS), and only through S3.',
    actions: ['kms:Decrypt'],
    condition: {StringLike: {'kms:ViaService': 's3.*.amazonaws.com'}},
  },
] as const satisfies readonly PermissionSet[]

/** `diagnose` on the instances: the read-only diagnostic script sent through SSM (what `--no-ssm` leaves out). */
export const DIAGNOSE_SSM = [
  {
    sid: 'RunReadOnlyDiagnostics',
    why: 'Runs the read-only diagnostic script (AWS-RunShellScript) on the instances, reads its output, and cancels it where it has not answered in time. Scope ssm:SendCommand to your instances with a Resource or a tag condition if you wish.',
    actions: ['ssm:SendCommand', 'ssm:ListCommandInvocations', 'ssm:GetCommandInvocation', 'ssm:CancelCommand'],
  },
] as const satisfies readonly PermissionSet[]

/** `fix-nginx`: what diagnose reads, plus the changes it makes when asked to. */
export const FIX_NGINX = [
  {
    sid: 'InstallNginxThroughSsm',
    why: 'Runs the install script on the instances and follows it; cancels it where it has not finished in time, so that no install goes on after it was reported failed.',
    actions: ['ssm:SendCommand', 'ssm:ListCommandInvocations', 'ssm:GetCommandInvocation', 'ssm:CancelCommand', 'ssm:DescribeInstanceInformation'],
  },
  {
    sid: 'PersistInLaunchTemplate',
    why: '--persist: a new launch template version with the install in its user data, and the group moved to it; --refresh: an instance refresh. UpdateAutoScalingGroup with a launch template checks ec2:RunInstances, and iam:PassRole when the template names an instance profile.',
    actions: [
      'ec2:DescribeLaunchTemplateVersions',
      'ec2:CreateLaunchTemplateVersion',
      'autoscaling:UpdateAutoScalingGroup',
      'autoscaling:StartInstanceRefresh',
      'ec2:RunInstances',
      'iam:PassRole',
    ],
  },
] as const satisfies readonly PermissionSet[]

/** `scan`: what diagnose needs for each ALB, plus finding the regions and filtering by tag. */
export const SCAN = [
  {
    sid: 'ScanRegionsAndTags',
    why: '--regions all: the regions enabled for the account; --filter tag:KEY=VALUE: the load balancers\' tags.',
    actions: ['ec2:DescribeRegions', 'elasticloadbalancing:DescribeTags'],
  },
] as const satisfies readonly PermissionSet[]

/** The IAM actions `diagnose` calls (API reads and the read-only script): what a check may declare it `requires`. */
export type DiagnoseAction = (typeof DIAGNOSE_READ | typeof DIAGNOSE_HISTORY | typeof DIAGNOSE_SSM)[number]['actions'][number]

export type PolicyScope = 'diagnose' | 'diagnose-no-ssm' | 'fix-nginx' | 'scan'

export function permissionSets(scope: PolicyScope): readonly PermissionSet[] {
  switch (scope) {
    case 'diagnose-no-ssm':
      return [...DIAGNOSE_READ, ...DIAGNOSE_HISTORY]
    case 'diagnose':
      return [...DIAGNOSE_READ, ...DIAGNOSE_HISTORY, ...DIAGNOSE_SSM]
    case 'fix-nginx':
      return [...DIAGNOSE_READ, ...DIAGNOSE_HISTORY, ...DIAGNOSE_SSM, ...FIX_NGINX]
    case 'scan':
      return [...DIAGNOSE_READ, ...DIAGNOSE_HISTORY, ...DIAGNOSE_SSM, ...SCAN]
  }
}

/** An IAM policy document granting the scope's actions, one statement per purpose, actions deduplicated. */
export function policyDocument(scope: PolicyScope): {
  Version: string
  Statement: {Sid: string; Effect: 'Allow'; Action: string[]; Resource: string; Condition?: Record<string, Record<string, string>>}[]
} {
  const seen = new Set<string>()
  const statements = []
  for (const set of permissionSets(scope)) {
    const actions = set.actions.filter((a) => !seen.has(a))
    actions.forEach((a) => seen.add(a))
    if (actions.length) statements.push({Sid: set.sid, Effect: 'Allow' as const, Action: actions, Resource: '*', ...(set.condition ? {Condition: set.condition} : {})})
  }
  return {Version: '2012-10-17', Statement: statements}
}
