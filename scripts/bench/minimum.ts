/**
 * The fewest API calls and dependent rounds a diagnosis of a benchmark world needs (`diagnose --no-ssm`: the API
 * reads, SSM readiness included), from the APIs' own batch and page sizes. Each line says how it is derived.
 */
import type {WorldSpec} from './world.js'

export interface MinimumLine {
  api: string
  calls: number
  why: string
}

export function minimumCalls(w: WorldSpec): MinimumLine[] {
  const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size))
  const t = w.targetGroups
  return [
    {api: 'elasticloadbalancing:DescribeLoadBalancers', calls: 1, why: 'the ALB by name'},
    {api: 'elasticloadbalancing:DescribeLoadBalancerAttributes', calls: 1, why: 'one load balancer per call'},
    {api: 'elasticloadbalancing:DescribeListeners', calls: 1, why: '1 listener, 400 a page'},
    {api: 'elasticloadbalancing:DescribeRules', calls: 1, why: `one listener per call; ${t} rule(s) fit a page of 400`},
    {api: 'elasticloadbalancing:DescribeTargetGroups', calls: 1, why: `by load balancer ARN, ${t} fit a page of 400`},
    {api: 'elasticloadbalancing:DescribeTargetGroupAttributes', calls: t, why: 'one target group per call'},
    {api: 'elasticloadbalancing:DescribeTargetHealth', calls: t, why: 'one target group per call, all its targets in one answer'},
    {api: 'autoscaling:DescribeAutoScalingGroups', calls: 1, why: '1 group, 100 a page'},
    {api: 'autoscaling:DescribeScalingActivities', calls: 1, why: 'one group per call'},
    {api: 'ec2:DescribeInstances', calls: pages(w.instances, 1000), why: `${w.instances} instances, 1,000 a page`},
    {api: 'ec2:DescribeSubnets', calls: 1, why: 'the VPC\'s subnets, one filter'},
    {api: 'ec2:DescribeRouteTables', calls: 1, why: 'one filter, 100 a page'},
    {api: 'ec2:DescribeNetworkAcls', calls: 1, why: 'one filter'},
    {api: 'ec2:DescribeVpcEndpoints', calls: 1, why: 'one filter'},
    {api: 'ec2:DescribeNatGateways', calls: 1, why: 'one filter'},
    {api: 'ec2:DescribeInternetGateways', calls: 1, why: 'one filter'},
    {api: 'ec2:DescribeVpcs', calls: 1, why: 'one filter'},
    {api: 'ec2:DescribeVpcAttribute', calls: 2, why: 'one attribute per call: DNS support and DNS hostnames'},
    {api: 'ec2:DescribeSecurityGroups', calls: 1, why: 'ALB and instance groups in one filter (the rules name no other group)'},
    {api: 'ec2:DescribeLaunchTemplateVersions', calls: 1, why: 'one template per call'},
    {api: 'iam:GetInstanceProfile', calls: 1, why: 'one profile shared by every instance'},
    {api: 'iam:ListAttachedRolePolicies', calls: 1, why: 'one role'},
    {api: 'iam:ListRolePolicies', calls: 1, why: 'one role (no inline policy, but only this call says so)'},
    {api: 'iam:GetPolicy', calls: 1, why: 'one managed policy: its default version'},
    {api: 'iam:GetPolicyVersion', calls: 1, why: 'its document'},
    {api: 'ssm:DescribeInstanceInformation', calls: pages(w.instances, 50), why: `${w.instances} instances, at most 50 a page`},
    {api: 'sts:GetCallerIdentity', calls: 0, why: 'the account is in the ALB\'s ARN'},
  ]
}

export const minimumTotal = (w: WorldSpec) => minimumCalls(w).reduce((a, l) => a + l.calls, 0)

/**
 * The longest chain of reads where each needs the previous one's answer: ALB → target groups → target health →
 * instances → instance profile → attached role policies → GetPolicy → GetPolicyVersion. Every other read fits
 * beside this chain (pages of DescribeInstances and DescribeInstanceInformation can be asked by id batches, all at
 * once).
 */
export const MINIMUM_ROUNDS = 8
export const MINIMUM_ROUNDS_WHY = 'ALB → target groups → target health → instances → instance profile → role policies → GetPolicy → GetPolicyVersion'
