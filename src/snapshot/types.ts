/**
 * The snapshot: everything `diagnose` collected, as plain JSON.
 *
 * Each service section holds the raw response shapes of the AWS SDK v3 (the element types of the
 * lists the Describe* calls return), under the key the API itself uses, so a snapshot can be read
 * next to the AWS API reference. Dates are ISO-8601 strings (the snapshot is JSON).
 * Maps keyed by an ARN, id or name hold the per-resource answers of calls made per resource.
 *
 * Documented in docs/snapshot.md; validated against src/snapshot/schema.json.
 * Bump SNAPSHOT_VERSION on any incompatible change.
 */
import type {AutoScalingGroup, Activity, LaunchTemplateSpecification} from '@aws-sdk/client-auto-scaling'
import type {
  Instance,
  LaunchTemplateVersion,
  ManagedPrefixList,
  NatGateway,
  NetworkAcl,
  PrefixListEntry,
  RouteTable,
  SecurityGroup,
  Subnet,
  Vpc,
  VpcEndpoint,
  InternetGateway,
} from '@aws-sdk/client-ec2'
import type {
  Listener,
  LoadBalancer,
  LoadBalancerAttribute,
  Rule as ListenerRule,
  TargetGroup,
  TargetGroupAttribute,
  TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2'

import type {IamSection, SsmSection} from './iam-ssm-types.js'
import type {OnInstanceSection} from './on-instance-types.js'
import type {HistorySection} from './history-types.js'

export type {IamSection, SsmSection, OnInstanceSection, HistorySection}

export const SNAPSHOT_FORMAT = 'asg-doctor-snapshot'
export const SNAPSHOT_VERSION = 1

/** Turns the SDK's Date fields into the ISO strings that JSON holds. */
export type Jsonify<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Jsonify<U>[]
    : T extends object
      ? {[K in keyof T]: Jsonify<T[K]>}
      : T

/**
 * An API call that failed while collecting. Checks that need its data report "could not check"
 * instead of guessing. `api` is the IAM action name of the call, e.g.
 * `elasticloadbalancing:DescribeTargetHealth`, which is also the permission it needs.
 */
export interface CollectionError {
  api: string
  /** The resource the call was about, when it was made per resource. */
  resource?: string
  /** AWS error code (AccessDenied, UnauthorizedOperation, Throttling, ...) or a local one. */
  code: string
  message: string
  /** true when the error means a missing IAM permission. */
  accessDenied: boolean
}

export interface SnapshotMeta {
  /** When collection finished (ISO-8601). */
  collectedAt: string
  region: string
  /** asg-doctor version that wrote the snapshot. */
  toolVersion: string
  /** What the user asked about (name, ARN or DNS name) and what it resolved to. */
  target: {input: string; loadBalancerArn: string}
  /** The account, when sts:GetCallerIdentity answered. */
  accountId?: string
  /** The endpoint override in force when collecting (an emulator), if any. */
  endpointUrl?: string
}

export interface Elbv2Section {
  /** Exactly one element: the load balancer being diagnosed. */
  LoadBalancers: Jsonify<LoadBalancer>[]
  /** DescribeLoadBalancerAttributes, keyed by load balancer ARN. */
  LoadBalancerAttributes: Record<string, Jsonify<LoadBalancerAttribute>[]>
  Listeners: Jsonify<Listener>[]
  /** DescribeRules, keyed by listener ARN. */
  Rules: Record<string, Jsonify<ListenerRule>[]>
  /** The load balancer's target groups, those its listeners' rules and default actions forward to, and those attached to the collected Auto Scaling groups. */
  TargetGroups: Jsonify<TargetGroup>[]
  /** DescribeTargetGroupAttributes, keyed by target group ARN. */
  TargetGroupAttributes: Record<string, Jsonify<TargetGroupAttribute>[]>
  /** DescribeTargetHealth, keyed by target group ARN. */
  TargetHealthDescriptions: Record<string, Jsonify<TargetHealthDescription>[]>
}

export interface AutoScalingSection {
  /**
   * The groups attached to any of the target groups (TargetGroupARNs), groups owning a registered instance, and groups
   * attached to no target group that launch into the load balancer's VPC (candidates for asg-not-attached).
   */
  AutoScalingGroups: Jsonify<AutoScalingGroup>[]
  /** DescribeScalingActivities (most recent first), keyed by group name. */
  Activities: Record<string, Jsonify<Activity>[]>
}

export interface Ec2Section {
  /** DescribeInstances, flattened out of its Reservations. */
  Instances: Jsonify<Instance>[]
  Subnets: Jsonify<Subnet>[]
  RouteTables: Jsonify<RouteTable>[]
  NetworkAcls: Jsonify<NetworkAcl>[]
  SecurityGroups: Jsonify<SecurityGroup>[]
  Vpcs: Jsonify<Vpc>[]
  /** DescribeVpcAttribute, keyed by VPC id. */
  VpcAttributes: Record<string, {EnableDnsSupport?: boolean; EnableDnsHostnames?: boolean}>
  VpcEndpoints: Jsonify<VpcEndpoint>[]
  NatGateways: Jsonify<NatGateway>[]
  InternetGateways: Jsonify<InternetGateway>[]
  /** Managed prefix lists that security group rules reference. */
  ManagedPrefixLists: Jsonify<ManagedPrefixList>[]
  /** GetManagedPrefixListEntries, keyed by prefix list id. */
  PrefixListEntries: Record<string, Jsonify<PrefixListEntry>[]>
  /** The launch template versions the groups use, including the versions their instances run (DescribeLaunchTemplateVersions), with their user data. */
  LaunchTemplateVersions: Jsonify<LaunchTemplateVersion>[]
}

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT
  version: typeof SNAPSHOT_VERSION
  meta: SnapshotMeta
  elbv2: Elbv2Section
  autoscaling: AutoScalingSection
  ec2: Ec2Section
  /**
   * Sections filled by later collectors (SSM readiness, IAM, on-instance command results). Optional, so that
   * a snapshot without them still validates; rules that need them report "not collected".
   */
  iam?: IamSection
  ssm?: SsmSection
  /** Results of the read-only diagnostic script run on the instances through SSM. */
  onInstance?: OnInstanceSection
  /**
   * Evidence over a window of time (metrics, change events, log summaries), versioned on its own
   * (`history.version`); absent with `--no-history` and in snapshots written before it existed.
   */
  history?: HistorySection
  errors: CollectionError[]
}

export type {LaunchTemplateSpecification}
