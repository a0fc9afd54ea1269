import type {Finding, Rule} from '../types.js'
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import {defaultRoute, isBlackhole, routeTarget} from '../../analyze/network.js'
import {albSubnets, describeSubnet} from './topology.js'
import type {AlbSubnet} from './topology.js'

const ID = 'alb-subnet-no-igw-route'

/** An internet-facing ALB answers clients from a node in each of its subnets: each needs a live default route to an IGW. */
export const rule: Rule = {
  id: ID,
  check(ctx) {
    const scheme = (ctx.lb.Scheme ?? '').toLowerCase()
    if (scheme === '') return {couldNotCheck: 'the snapshot does not say whether the load balancer is internet-facing or internal (no Scheme)'}
    if (scheme !== 'internet-facing') return {notApplicable: 'the load balancer is internal'}
    const byTable = new Map<string, {subnets: AlbSubnet[]; problem: string; replace: boolean}>()
    for (const s of albSubnets(ctx)) {
      const rt = ctx.routeTableFor(s.subnetId)
      if (!rt?.RouteTableId) continue
      const route = defaultRoute(rt)
      const target = route ? routeTarget(route) : undefined
      let problem: string | undefined
      if (!route) problem = 'has no 0.0.0.0/0 route'
      else if (target?.kind !== 'internet-gateway') problem = `sends 0.0.0.0/0 to ${target?.id} (a ${target?.kind?.replaceAll('-', ' ')}), not to an internet gateway`
      else if (isBlackhole(route)) problem = `sends 0.0.0.0/0 to ${target.id}, which is a blackhole (the gateway was deleted or detached)`
      if (!problem) continue
      const entry = byTable.get(rt.RouteTableId) ?? {subnets: [], problem, replace: !!route}
      entry.subnets.push(s)
      byTable.set(rt.RouteTableId, entry)
    }
    return [...byTable].map(([rtId, e]) => toFinding(ctx, rtId, e))
  },
}

function toFinding(ctx: AnalysisContext, rtId: string, e: {subnets: AlbSubnet[]; problem: string; replace: boolean}): Finding {
  const vpcId = ctx.lb.VpcId ?? ''
  const igw = ctx.snapshot.ec2.InternetGateways.find((g) => (g.Attachments ?? []).some((a) => a.VpcId === vpcId))?.InternetGatewayId
  const rt = ctx.snapshot.ec2.RouteTables.find((r) => r.RouteTableId === rtId)
  const main = (rt?.Associations ?? []).some((a) => a.Main)
  const azs = e.subnets.map((s) => s.az ?? s.subnetId).join(', ')
  const verb = e.replace ? 'replace-route' : 'create-route'
  const commands = igw
    ? [cmd`aws ec2 ${verb} --route-table-id ${rtId} --destination-cidr-block 0.0.0.0/0 --gateway-id ${igw} ${ctx.regionFlag}`]
    : [
        cmd`aws ec2 create-internet-gateway ${ctx.regionFlag}`,
        cmd`aws ec2 attach-internet-gateway --internet-gateway-id <igw-id from the previous command> --vpc-id ${vpcId} ${ctx.regionFlag}`,
        cmd`aws ec2 ${verb} --route-table-id ${rtId} --destination-cidr-block 0.0.0.0/0 --gateway-id <igw-id> ${ctx.regionFlag}`,
      ]
  return ctx.finding(ID, {
    key: `${ID}:${rtId}`,
    message: `The internet-facing ALB's subnet(s) ${e.subnets.map(describeSubnet).join(', ')} use route table ${rtId}${main ? " (the VPC's main table)" : ''}, which ${e.problem}: clients sent to the ALB's node in ${azs} cannot reach it.`,
    resources: [rtId, ...e.subnets.map((s) => s.subnetId)],
    evidence: [
      ...(rt?.Routes ?? []).map((r) => `${rtId}: ${r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId} → ${routeTarget(r).id} (${r.State ?? '?'})`),
      igw ? `internet gateway of ${vpcId}: ${igw}` : `no internet gateway is attached to ${vpcId}`,
    ],
    data: {routeTableId: rtId, mainTable: main, subnets: e.subnets.map((s) => s.subnetId), internetGatewayId: igw},
    remediation: {
      summary: igw
        ? `Route 0.0.0.0/0 in ${rtId} to the VPC's internet gateway ${igw}${main ? ' (or associate the subnets with a public route table instead of the main one)' : ''}.`
        : `Attach an internet gateway to ${vpcId} and route 0.0.0.0/0 in ${rtId} to it.`,
      commands,
    },
  })
}
