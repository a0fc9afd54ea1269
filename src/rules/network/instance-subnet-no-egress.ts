import type {Instance, RouteTable} from '@aws-sdk/client-ec2'
import {cmd, raw} from '../../lib/shell.js'
import type {Finding, Rule} from '../types.js'
import type {AnalysisContext, J} from '../../analyze/context.js'
import {defaultRoute, isBlackhole, routeTarget} from '../../analyze/network.js'
import {instanceTargets, listIds} from './topology.js'
import {userDataInstalls} from './user-data.js'

const ID = 'instance-subnet-no-egress'
/** Route targets that carry traffic on towards the internet (a NAT instance is an instance or an ENI). */
const OUTBOUND = new Set(['instance', 'network-interface', 'transit-gateway', 'vpc-endpoint', 'other'])

interface Stranded {
  subnetId: string
  rt?: J<RouteTable>
  problem: string
  natId?: string
  /** In the order first met; an instance in several target groups counts once. */
  instances: Set<J<Instance>>
  tgArns: Set<string>
}

/** Instances need a way out for what their user data fetches at boot: a NAT, a NAT instance, a TGW, or an IGW with a public IP. */
export const rule: Rule = {
  id: ID,
  check(ctx) {
    const tgs = instanceTargets(ctx)
    if (tgs.length === 0) return {notApplicable: 'no target group has live instance targets'}
    const bySubnet = new Map<string, Stranded>()
    for (const {arn, targets} of tgs) {
      for (const {instance} of targets) {
        if (!instance.SubnetId) continue
        const found = bySubnet.get(instance.SubnetId) ?? classify(ctx, instance.SubnetId)
        bySubnet.set(instance.SubnetId, found)
        // Behind an internet gateway, only the instances that lack a public IP are stranded.
        const stranded = found.problem !== '' && !(found.problem.startsWith('igw:') && instance.PublicIpAddress)
        if (stranded) found.instances.add(instance)
        if (stranded) found.tgArns.add(arn)
      }
    }
    return [...bySubnet.values()].filter((s) => s.instances.size > 0).map((s) => toFinding(ctx, s))
  },
}

function classify(ctx: AnalysisContext, subnetId: string): Stranded {
  const rt = ctx.routeTableFor(subnetId)
  const base = {subnetId, rt, instances: new Set<J<Instance>>(), tgArns: new Set<string>()}
  const route = defaultRoute(rt)
  if (!route) return {...base, problem: `route table ${rt?.RouteTableId ?? '(none found)'} has no 0.0.0.0/0 route`}
  const target = routeTarget(route)
  if (isBlackhole(route)) return {...base, problem: `0.0.0.0/0 goes to ${target.id}, a blackhole (its target is gone)`, natId: target.kind === 'nat-gateway' ? target.id : undefined}
  if (target.kind === 'nat-gateway') {
    const nat = ctx.snapshot.ec2.NatGateways.find((n) => n.NatGatewayId === target.id)
    const state = String(nat?.State ?? 'missing').toLowerCase()
    if (state === 'available') return {...base, problem: ''}
    const why = nat?.FailureMessage ? ` (${nat.FailureCode ?? 'failure'}: ${nat.FailureMessage})` : ''
    return {...base, natId: target.id, problem: `0.0.0.0/0 goes to NAT gateway ${target.id}, which is ${nat ? state : 'not in the VPC any more'}${why}`}
  }
  if (target.kind === 'internet-gateway') return {...base, problem: `igw: 0.0.0.0/0 goes to internet gateway ${target.id}, but instances without a public IP cannot use it`}
  if (OUTBOUND.has(target.kind)) return {...base, problem: ''}
  return {...base, problem: `0.0.0.0/0 goes to ${target.id} (a ${target.kind.replaceAll('-', ' ')}), which does not lead to the internet`}
}

function toFinding(ctx: AnalysisContext, s: Stranded): Finding {
  const subnet = ctx.subnet(s.subnetId)
  const vpcId = subnet?.VpcId ?? ctx.lb.VpcId ?? ''
  const rtId = s.rt?.RouteTableId
  const endpoints = ctx.vpcEndpoints(vpcId).filter((e) => String(e.State ?? '').toLowerCase() === 'available')
  const s3 = endpoints.find((e) => /\.s3$/.test(e.ServiceName ?? '') && String(e.VpcEndpointType).toLowerCase() === 'gateway' && rtId && (e.RouteTableIds ?? []).includes(rtId))
  const ssm = ['ssm', 'ssmmessages', 'ec2messages'].filter((svc) => endpoints.some((e) => e.ServiceName?.endsWith(`.${svc}`)))
  const userData = [...s.instances].map((i) => userDataInstalls(ctx, i))
  const installs = userData.find((u) => u) ?? userData.find((u) => u === null)
  const ids = [...s.instances].map((i) => i.InstanceId ?? '?')
  const problem = s.problem.replace(/^igw: /, '')
  const s3Text = s3
    ? `An S3 gateway endpoint (${s3.VpcEndpointId}) serves this route table, so dnf on Amazon Linux 2023 (whose repositories live in S3) can still work; yum/apt mirrors and other downloads cannot.`
    : 'No S3 gateway endpoint serves this route table either, so even dnf on Amazon Linux 2023 cannot reach its repositories.'
  const ssmText = ssm.length === 3 ? 'SSM interface endpoints exist, so Session Manager can still reach the instances.' : `${ssm.length > 0 ? `Only the ${ssm.join(', ')} SSM endpoint(s) exist` : 'No SSM interface endpoints exist'}, so Session Manager depends on this route too.`
  const installText = installs ? ` Their user data runs \`${installs.line}\`, which cannot have worked.` : installs === undefined ? ' Package installs in user data (dnf, yum, apt) cannot have worked.' : ''
  const message = `${ids.length} instance(s) in ${s.subnetId} (${subnet?.AvailabilityZone ?? '?'}) have no way out: ${problem}.${installText} ${s3Text} ${ssmText}`
  return ctx.finding(ID, {
    key: `${ID}:${s.subnetId}`,
    message,
    resources: [s.subnetId, ...(rtId ? [rtId] : []), ...(s.natId ? [s.natId] : []), ...ids, ...s.tgArns],
    evidence: [
      ...(s.rt?.Routes ?? []).map((r) => `${rtId}: ${r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId} → ${routeTarget(r).id} (${r.State ?? '?'})`),
      `instances: ${listIds(ids, 10)}`,
      `VPC endpoints: ${endpoints.map((e) => `${e.ServiceName} (${e.VpcEndpointType})`).join(', ') || 'none'}`,
      ...(installs ? [`user data of ${installs.source}: ${installs.line}`] : []),
    ],
    data: {subnetId: s.subnetId, routeTableId: rtId, natGatewayId: s.natId, instances: ids, s3GatewayEndpoint: s3?.VpcEndpointId, ssmEndpoints: ssm},
    remediation: remediation(ctx, s, vpcId, !!s3),
    severity: s3 ? 'warning' : undefined,
    confidence: s3 || installs === null ? 'possible' : 'likely',
    explains: [...s.tgArns].map((resource) => ({ruleId: 'target-health-unhealthy', resource})),
  })
}

function remediation(ctx: AnalysisContext, s: Stranded, vpcId: string, hasS3: boolean): Finding['remediation'] {
  const rtId = s.rt?.RouteTableId ?? '<route table id>'
  const az = ctx.subnet(s.subnetId)?.AvailabilityZone
  const nats = ctx.snapshot.ec2.NatGateways.filter((n) => n.VpcId === vpcId && String(n.State).toLowerCase() === 'available')
  const nat = nats.find((n) => ctx.subnet(n.SubnetId ?? '')?.AvailabilityZone === az) ?? nats[0]
  const verb = defaultRoute(s.rt) ? 'replace-route' : 'create-route'
  const commands: string[] = []
  if (nat?.NatGatewayId) {
    commands.push(cmd`aws ec2 ${verb} --route-table-id ${rtId} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ${nat.NatGatewayId} ${ctx.regionFlag}`)
  } else {
    const publicSubnet = ctx.snapshot.ec2.Subnets.find(
      (x) => x.VpcId === vpcId && x.AvailabilityZone === az && x.SubnetId && routeTarget(defaultRoute(ctx.routeTableFor(x.SubnetId)) ?? {}).kind === 'internet-gateway',
    )?.SubnetId
    commands.push(
      cmd`aws ec2 allocate-address --domain vpc ${ctx.regionFlag}`,
      cmd`aws ec2 create-nat-gateway --subnet-id ${publicSubnet ?? raw('<a-public-subnet-id>')} --allocation-id <AllocationId from allocate-address> ${ctx.regionFlag}`,
      cmd`aws ec2 ${verb} --route-table-id ${rtId} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <NatGatewayId from create-nat-gateway> ${ctx.regionFlag}`,
    )
  }
  if (!hasS3) {
    commands.push(cmd`aws ec2 create-vpc-endpoint --vpc-id ${vpcId} --vpc-endpoint-type Gateway --service-name com.amazonaws.${ctx.snapshot.meta.region}.s3 --route-table-ids ${rtId} ${ctx.regionFlag}`)
  }
  return {
    summary: `Give ${s.subnetId} a way out: route 0.0.0.0/0 in ${rtId} to ${nat?.NatGatewayId ? `the available NAT gateway ${nat.NatGatewayId}` : 'a new NAT gateway'}${hasS3 ? '' : ' (an S3 gateway endpoint, the last command, is enough for dnf on Amazon Linux 2023)'}; then replace the instances (instance refresh) so user data runs again.`,
    commands,
  }
}
