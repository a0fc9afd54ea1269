import type {FindingRef, Rule} from '../types.js'
import {cmd} from '../../lib/shell.js'
import type {NetworkAcl} from '@aws-sdk/client-ec2'
import type {AnalysisContext, J} from '../../analyze/context.js'
import {shortName} from '../../analyze/context.js'
import {EPHEMERAL_PORTS, describeNaclVerdict, evaluateNaclFlow, formatPorts, formatRuleNumber, naclEvaluator} from '../../analyze/network.js'
import type {NaclLeg, NaclVerdict} from '../../analyze/network.js'
import {albSubnets, instanceTargets, listIds, targetPorts} from './topology.js'

const ID = 'nacl-blocks-traffic'

const LEGS: Record<NaclLeg, {side: 'ALB' | 'instances'; egress: boolean; text: (ports: string) => string}> = {
  'request-out': {side: 'ALB', egress: true, text: (p) => `TCP ${p} out to the instances`},
  'request-in': {side: 'instances', egress: false, text: (p) => `TCP ${p} in from the ALB`},
  'reply-out': {side: 'instances', egress: true, text: (p) => `the replies (TCP ${formatPorts(EPHEMERAL_PORTS)}) back to the ALB of connections to port ${p}`},
  'reply-in': {side: 'ALB', egress: false, text: (p) => `the replies (TCP ${formatPorts(EPHEMERAL_PORTS)}) in from the instances of connections to port ${p}`},
}

interface Block {
  acl: J<NetworkAcl>
  leg: NaclLeg
  ports: Set<number>
  purposes: Set<string>
  subnets: Set<string>
  /** CIDRs the fix must allow (the far side's subnets), with their subnet ids. */
  peers: Map<string, string>
  instances: Set<string>
  tgArns: Set<string>
  verdicts: Map<string, NaclVerdict>
}

/** Walks every ALB subnet → target flow through both NACLs, both ways, and groups what blocks it by NACL and leg. */
export const rule: Rule = {
  id: ID,
  check(ctx) {
    const tgs = instanceTargets(ctx)
    if (tgs.length === 0) return {notApplicable: 'no target group has live instance targets'}
    const blocks = new Map<string, Block>()
    const healthBlocked = new Map<string, Set<string>>()
    const albs = albSubnets(ctx)
    const evaluate = naclEvaluator()
    for (const {arn, targets} of tgs) {
      for (const t of targets) {
        const instSubnet = t.instance.SubnetId ? ctx.subnet(t.instance.SubnetId) : undefined
        const dst = {subnetId: t.instance.SubnetId, acl: t.instance.SubnetId ? ctx.naclFor(t.instance.SubnetId) : undefined, cidr: t.instance.PrivateIpAddress ?? instSubnet?.CidrBlock ?? ''}
        for (const alb of albs) {
          if (!alb.cidr || !dst.cidr) continue
          const src = {subnetId: alb.subnetId, acl: ctx.naclFor(alb.subnetId), cidr: alb.cidr}
          for (const {port, purpose} of targetPorts(t)) {
            const flow = evaluateNaclFlow(src, dst, port, EPHEMERAL_PORTS, evaluate)
            for (const leg of flow.legs) {
              const v = leg.verdict
              if (!v || v.verdict === 'allowed' || v.verdict === 'unknown') continue
              const meta = LEGS[leg.leg]
              const acl = meta.side === 'ALB' ? src.acl! : dst.acl!
              const key = `${v.networkAclId}:${leg.leg}${leg.leg.startsWith('request') ? `:${port}` : ''}`
              const b = blocks.get(key) ?? {acl, leg: leg.leg, ports: new Set(), purposes: new Set(), subnets: new Set(), peers: new Map(), instances: new Set(), tgArns: new Set(), verdicts: new Map()}
              blocks.set(key, b)
              b.ports.add(port)
              b.purposes.add(purpose)
              b.subnets.add(leg.subnetId ?? '?')
              if (meta.side === 'ALB') b.peers.set(instSubnet?.CidrBlock ?? dst.cidr, t.instance.SubnetId ?? '?')
              else b.peers.set(alb.cidr, alb.subnetId)
              b.instances.add(t.instanceId)
              b.tgArns.add(arn)
              b.verdicts.set(describeNaclVerdict(v), v)
              if (port === t.healthCheckPort) healthBlocked.set(arn, (healthBlocked.get(arn) ?? new Set()).add(t.instanceId))
            }
          }
        }
      }
    }
    const explained = new Set(tgs.filter((g) => g.targets.every((t) => healthBlocked.get(g.arn)?.has(t.instanceId))).map((g) => g.arn))
    // Several findings may add entries to one NACL in one direction: never propose the same rule number twice.
    return [...blocks.values()].map((b) => toFinding(ctx, b, explained))
  },
}

function toFinding(ctx: AnalysisContext, b: Block, explained: Set<string>) {
  const meta = LEGS[b.leg]
  const aclId = b.acl.NetworkAclId ?? '?'
  const verdicts = [...b.verdicts.values()]
  const isReply = b.leg.startsWith('reply')
  const ports = [...b.ports].sort((x, y) => x - y)
  const portRange = isReply ? EPHEMERAL_PORTS : {from: ports[0], to: ports[0]}
  const denying = Math.min(...verdicts.flatMap((v) => v.denyingRules))
  const allowedSome = verdicts.some((v) => v.allowedPorts.length > 0)
  const health = [...b.purposes].some((p) => p.includes('health'))
  const flowText = `${ports.map(String).join(', ')} (${[...b.purposes].join(', ')})`
  const why = [...b.verdicts.keys()][0]
  let message = `Network ACL ${aclId} of the ${meta.side === 'ALB' ? "ALB's" : "instances'"} subnet(s) ${[...b.subnets].join(', ')} blocks ${meta.text(flowText)}: ${why}.`
  if (isReply && allowedSome) {
    message += ` The ALB's nodes connect from source ports anywhere in ${formatPorts(EPHEMERAL_PORTS)} (not only Linux's 32768-60999), so replies to connections from the other ports are dropped.`
  }
  message += health ? ' Health checks time out (Target.Timeout).' : ' Requests time out (504).'
  const peers = [...b.peers]
  const numbers = ctx.proposeNaclRuleNumbers(b.acl, meta.egress, denying, peers.map(([cidr]) => `tcp|${portRange.from}-${portRange.to}|${cidr}`))
  const direction = meta.egress ? '--egress' : '--ingress'
  const commands =
    numbers.every((n) => n !== undefined)
      ? peers.map(
          ([cidr], i) =>
            cmd`aws ec2 create-network-acl-entry --network-acl-id ${aclId} --rule-number ${numbers[i]} --protocol tcp --port-range From=${portRange.from},To=${portRange.to} --cidr-block ${cidr} --rule-action allow ${direction} ${ctx.regionFlag}`,
        )
      : undefined
  const refs: FindingRef[] = [...b.tgArns].filter((a) => explained.has(a)).map((resource) => ({ruleId: 'target-health-unhealthy', resource}))
  return ctx.finding(ID, {
    key: `${ID}:${aclId}:${b.leg}${isReply ? '' : `:${ports[0]}`}`,
    message,
    resources: [aclId, ...b.subnets, ...b.instances, ...b.tgArns],
    evidence: [
      ...b.verdicts.keys(),
      `affects ${b.instances.size} instance(s) of ${[...b.tgArns].map(shortName).join(', ')}: ${listIds([...b.instances])}`,
      `deciding entry: ${formatRuleNumber(denying)} (${b.leg.includes('out') ? 'outbound' : 'inbound'})`,
    ],
    data: {
      networkAclId: aclId,
      leg: b.leg,
      ports,
      subnets: [...b.subnets],
      denyingRules: [...new Set(verdicts.flatMap((v) => v.denyingRules))],
      deniedPorts: verdicts[0].deniedPorts,
      instances: [...b.instances],
      targetGroups: [...b.tgArns],
    },
    remediation: {
      summary: `Add ${meta.egress ? 'outbound' : 'inbound'} allow entries to ${aclId} for TCP ${formatPorts(portRange)} ${meta.egress ? 'to' : 'from'} ${peers.map(([c, s]) => `${c} (${s})`).join(', ')}, numbered below entry ${formatRuleNumber(denying)} so they are evaluated first.`,
      ...(commands
        ? {commands}
        : {console: `VPC console → Network ACLs → ${aclId} → Edit ${meta.egress ? 'outbound' : 'inbound'} rules: no rule number below ${denying} is free; renumber the entries and add allow entries for TCP ${formatPorts(portRange)} from/to ${peers.map(([c]) => c).join(', ')} before entry ${denying}.`}),
    },
    ...(refs.length > 0 ? {explains: refs} : {}),
  })
}
