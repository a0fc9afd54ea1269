/**
 * What asg-doctor uses of each AWS SDK package: the one list, read twice. `loadSdk` (./aws.ts) types each package as
 * only these exports, so code that reaches for anything else does not compile until it is added here; and
 * `npm run build` (scripts/bundle-sdk.mjs) writes from it one trimmed bundle per package into dist/sdk/, holding
 * only these exports and what they reach (a client package builds the schema of every operation it has when it
 * loads: EC2's ~750 operations cost ~90 ms per run even with the code cache).
 */
import type * as AutoScalingSdk from '@aws-sdk/client-auto-scaling'
import type * as CloudTrailSdk from '@aws-sdk/client-cloudtrail'
import type * as CloudWatchSdk from '@aws-sdk/client-cloudwatch'
import type * as Ec2Sdk from '@aws-sdk/client-ec2'
import type * as Elbv2Sdk from '@aws-sdk/client-elastic-load-balancing-v2'
import type * as EventBridgeSdk from '@aws-sdk/client-eventbridge'
import type * as IamSdk from '@aws-sdk/client-iam'
import type * as S3Sdk from '@aws-sdk/client-s3'
import type * as SnsSdk from '@aws-sdk/client-sns'
import type * as SsmSdk from '@aws-sdk/client-ssm'
import type * as StsSdk from '@aws-sdk/client-sts'

/** The whole SDK packages, by the short key of their client in AwsClients. */
export interface FullSdkModules {
  elbv2: typeof Elbv2Sdk
  ec2: typeof Ec2Sdk
  autoscaling: typeof AutoScalingSdk
  ssm: typeof SsmSdk
  iam: typeof IamSdk
  sts: typeof StsSdk
  cloudwatch: typeof CloudWatchSdk
  cloudtrail: typeof CloudTrailSdk
  s3: typeof S3Sdk
  sns: typeof SnsSdk
  eventbridge: typeof EventBridgeSdk
}

export type ServiceKey = keyof FullSdkModules

export const SDK_PACKAGES: {readonly [K in ServiceKey]: string} = {
  elbv2: '@aws-sdk/client-elastic-load-balancing-v2',
  ec2: '@aws-sdk/client-ec2',
  autoscaling: '@aws-sdk/client-auto-scaling',
  ssm: '@aws-sdk/client-ssm',
  iam: '@aws-sdk/client-iam',
  sts: '@aws-sdk/client-sts',
  cloudwatch: '@aws-sdk/client-cloudwatch',
  cloudtrail: '@aws-sdk/client-cloudtrail',
  s3: '@aws-sdk/client-s3',
  sns: '@aws-sdk/client-sns',
  eventbridge: '@aws-sdk/client-eventbridge',
}

/** The exports used, by package: the client class, then the commands (and anything else, e.g. exception classes). */
export const SDK_EXPORTS = {
  elbv2: [
    'ElasticLoadBalancingV2Client',
    'DescribeListenersCommand',
    'DescribeLoadBalancerAttributesCommand',
    'DescribeLoadBalancersCommand',
    'DescribeRulesCommand',
    'DescribeTagsCommand',
    'DescribeTargetGroupAttributesCommand',
    'DescribeTargetGroupsCommand',
    'DescribeTargetHealthCommand',
  ],
  ec2: [
    'EC2Client',
    'DescribeInstancesCommand',
    'DescribeInternetGatewaysCommand',
    'DescribeLaunchTemplateVersionsCommand',
    'DescribeManagedPrefixListsCommand',
    'DescribeNatGatewaysCommand',
    'DescribeNetworkAclsCommand',
    'DescribeRegionsCommand',
    'DescribeRouteTablesCommand',
    'DescribeSecurityGroupsCommand',
    'DescribeSubnetsCommand',
    'DescribeVpcAttributeCommand',
    'DescribeVpcEndpointsCommand',
    'DescribeVpcsCommand',
    'GetManagedPrefixListEntriesCommand',
    // fix-nginx only
    'CreateLaunchTemplateVersionCommand',
  ],
  autoscaling: [
    'AutoScalingClient',
    'DescribeAutoScalingGroupsCommand',
    'DescribeInstanceRefreshesCommand',
    'DescribeScalingActivitiesCommand',
    // fix-nginx only
    'StartInstanceRefreshCommand',
    'UpdateAutoScalingGroupCommand',
  ],
  ssm: [
    'SSMClient',
    'CancelCommandCommand',
    'DescribeInstanceInformationCommand',
    'GetCommandInvocationCommand',
    'ListCommandInvocationsCommand',
    'SendCommandCommand',
  ],
  iam: [
    'IAMClient',
    'GetInstanceProfileCommand',
    'GetPolicyCommand',
    'GetPolicyVersionCommand',
    'GetRolePolicyCommand',
    'ListAttachedRolePoliciesCommand',
    'ListRolePoliciesCommand',
  ],
  sts: ['STSClient'],
  cloudwatch: ['CloudWatchClient', 'GetMetricDataCommand', 'PutMetricDataCommand'],
  cloudtrail: ['CloudTrailClient', 'LookupEventsCommand'],
  s3: ['S3Client', 'GetObjectCommand', 'ListObjectsV2Command', 'PutObjectCommand'],
  sns: ['SNSClient', 'PublishCommand'],
  eventbridge: ['EventBridgeClient', 'PutEventsCommand'],
} as const satisfies {readonly [K in ServiceKey]: readonly (keyof FullSdkModules[K] & string)[]}

/**
 * The packages `npm run build` bundles. Measured (loading the package or bundle and building a client, after the
 * shared code, with the code cache): EC2 ~95 -> ~11 ms, SSM ~20 -> ~9, IAM ~11 -> ~4, Auto Scaling ~7 -> ~4, S3
 * ~17 -> ~14, CloudWatch and CloudTrail ~1 ms less each. Left out: ELBv2 (no faster), STS (slower; and unused),
 * SNS and EventBridge (used by the watchdog's Lambda only, which loads the runtime's packages).
 */
export const SDK_BUNDLED = ['ec2', 'autoscaling', 'ssm', 'iam', 'cloudwatch', 'cloudtrail', 's3'] as const satisfies readonly ServiceKey[]

/** Each SDK package as the CLI may use it: only the exports on its list. */
export type SdkModules = {[K in ServiceKey]: Pick<FullSdkModules[K], (typeof SDK_EXPORTS)[K][number] & keyof FullSdkModules[K]>}
