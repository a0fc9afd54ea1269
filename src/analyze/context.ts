/**
 * Indexes over a snapshot, built once per analysis, so that rules stay short and never scan lists twice.
 * Pure: no I/O.
 */
import type {CollectionError, Jsonify, Snapshot} from '../snapshot/types.js'
import type {
  Instance,
  NetworkAcl,
  RouteTable,
  SecurityGroup,
  Subnet,
  Vpc,
  VpcEndpoint,
  LaunchTemplateVersion,
  PrefixListEntry,
} from '@aws-sdk/client-ec2'
import type {
  Listener,
  LoadBalancer,
  TargetGroup,
  TargetHealthDescription,
  Rule as ListenerRule,
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type {AutoScalingGroup, Instance as GroupInstance} from '@aws-sdk/client-auto-scaling'
import type {Confidence, Finding, FindingRef, Remediation, RuleId, RuleMeta, Severity} from '../rules/types.js'
import {catalogue} from '../rules/catalogue/index.js'
import {freeNaclRuleNumbers} from './network.js'
import {HistoryView} from './history-view.js'
import {raw, shellCommand} from '../lib/shell.js'
import type {Raw} from '../lib/shell.js'

export type J<T> = Jsonify<T>

export interface FindingInput<Id extends string = RuleId> {
  message: string
  resources: string[]
  evidence?: string[]
  data?: Record<string, unknown>
  remediation: Remediation
  /** Defaults to the catalogue's severity. */
  severity?: Severity
  /** Defaults to 'certain'. */
  confidence?: Confidence
  explains?: FindingRef<Id>[]
  /** Defaults to `${ruleId}:${resources[0]}`. Set it when a rule emits several findings about one resource. */
  key?: string
  /** Defaults to the catalogue's title. */
  title?: string
}

/** An instance as an Auto Scaling group lists it, with the group. */
export interface GroupMember {
  group: J<AutoScalingGroup>
  member: J<GroupInstance>
}

/** `Id`: the rule ids findings may be built for, the catalogue's unless a test brings its own. */
/** Where printed commands must act: the --profile and --endpoint-url of the run, as the user gave them. */
export interface Placement {
  profile?: string
  endpointUrl?: string
}

export class AnalysisContext<Id extends string = RuleId> {
  readonly snapshot: Snapshot
  readonly lb: J<LoadBalancer>
  readonly listeners: J<Listener>[]
  readonly targetGroups: J<TargetGroup>[]
  readonly autoScalingGroups: J<AutoScalingGroup>[]
  readonly instances: J<Instance>[]

  private readonly instanceById = new Map<string, J<Instance>>()
  private readonly subnetById = new Map<string, J<Subnet>>()
  private readonly sgById = new Map<string, J<SecurityGroup>>()
  private readonly vpcById = new Map<string, J<Vpc>>()
  private readonly tgByArn = new Map<string, J<TargetGroup>>()
  private readonly routeTableBySubnet = new Map<string, J<RouteTable>>()
  private readonly mainRouteTableByVpc = new Map<string, J<RouteTable>>()
  private readonly naclBySubnet = new Map<string, J<NetworkAcl>>()
  /** Built on first use: most analyses never look an instance up by address or by group membership. */
  private instanceByIpIndex?: Map<string, J<Instance>>
  private groupMemberIndex?: Map<string, GroupMember>
  /** NACL rule numbers proposed by this analysis's remediations: per ACL and direction, entry -> number. */
  private readonly naclProposals = new Map<string, Map<string, number>>()
  /** The history view, built on first use (null: the snapshot has no history section). */
  private historyView?: HistoryView | null

  constructor(
    snapshot: Snapshot,
    private readonly metas: ReadonlyMap<string, RuleMeta> = catalogue,
    private readonly placement: Placement = {},
  ) {
    this.snapshot = snapshot
    this.lb = snapshot.elbv2.LoadBalancers[0]
    this.listeners = snapshot.elbv2.Listeners
    this.targetGroups = snapshot.elbv2.TargetGroups
    this.autoScalingGroups = snapshot.autoscaling.AutoScalingGroups
    this.instances = snapshot.ec2.Instances
    for (const i of snapshot.ec2.Instances) if (i.InstanceId) this.instanceById.set(i.InstanceId, i)
    for (const s of snapshot.ec2.Subnets) if (s.SubnetId) this.subnetById.set(s.SubnetId, s)
    for (const g of snapshot.ec2.SecurityGroups) if (g.GroupId) this.sgById.set(g.GroupId, g)
    for (const v of snapshot.ec2.Vpcs) if (v.VpcId) this.vpcById.set(v.VpcId, v)
    for (const t of snapshot.elbv2.TargetGroups) if (t.TargetGroupArn) this.tgByArn.set(t.TargetGroupArn, t)
    for (const rt of snapshot.ec2.RouteTables) {
      for (const a of rt.Associations ?? []) {
        if (a.Main && rt.VpcId) this.mainRouteTableByVpc.set(rt.VpcId, rt)
        if (a.SubnetId) this.routeTableBySubnet.set(a.SubnetId, rt)
      }
    }
    for (const acl of snapshot.ec2.NetworkAcls) {
      for (const a of acl.Associations ?? []) if (a.SubnetId) this.naclBySubnet.set(a.SubnetId, acl)
    }
  }

  // ---- lookups -------------------------------------------------------------------------------------------

  instance(id: string): J<Instance> | undefined {
    return this.instanceById.get(id)
  }

  /**
   * The instance holding a private IP (its primary address or any address of its interfaces): how `ip` target
   * groups name their targets. The first such instance in snapshot order.
   */
  instanceByIp(ip: string): J<Instance> | undefined {
    if (!this.instanceByIpIndex) {
      const index = new Map<string, J<Instance>>()
      const add = (address: string | undefined, i: J<Instance>) => address !== undefined && !index.has(address) && index.set(address, i)
      for (const i of this.instances) {
        add(i.PrivateIpAddress, i)
        for (const n of i.NetworkInterfaces ?? []) for (const a of n.PrivateIpAddresses ?? []) add(a.PrivateIpAddress, i)
      }
      this.instanceByIpIndex = index
    }
    return this.instanceByIpIndex.get(ip)
  }

  /** The Auto Scaling group that lists an instance, with its entry there (launch template, lifecycle state); the first such group. */
  groupMember(instanceId: string): GroupMember | undefined {
    if (!this.groupMemberIndex) {
      const index = new Map<string, GroupMember>()
      for (const group of this.autoScalingGroups) {
        for (const member of group.Instances ?? []) if (member.InstanceId && !index.has(member.InstanceId)) index.set(member.InstanceId, {group, member})
      }
      this.groupMemberIndex = index
    }
    return this.groupMemberIndex.get(instanceId)
  }

  subnet(id: string): J<Subnet> | undefined {
    return this.subnetById.get(id)
  }

  securityGroup(id: string): J<SecurityGroup> | undefined {
    return this.sgById.get(id)
  }

  vpc(id: string): J<Vpc> | undefined {
    return this.vpcById.get(id)
  }

  targetGroup(arn: string): J<TargetGroup> | undefined {
    return this.tgByArn.get(arn)
  }

  /** The route table that applies to a subnet: its explicit association, else its VPC's main table. */
  routeTableFor(subnetId: string): J<RouteTable> | undefined {
    const explicit = this.routeTableBySubnet.get(subnetId)
    if (explicit) return explicit
    const vpcId = this.subnetById.get(subnetId)?.VpcId
    return vpcId ? this.mainRouteTableByVpc.get(vpcId) : undefined
  }

  /** The network ACL associated with a subnet (every subnet has exactly one). */
  naclFor(subnetId: string): J<NetworkAcl> | undefined {
    return this.naclBySubnet.get(subnetId)
  }

  targetHealth(tgArn: string): J<TargetHealthDescription>[] {
    return this.snapshot.elbv2.TargetHealthDescriptions[tgArn] ?? []
  }

  listenerRules(listenerArn: string): J<ListenerRule>[] {
    return this.snapshot.elbv2.Rules[listenerArn] ?? []
  }

  /** A load balancer attribute's value, e.g. `idle_timeout.timeout_seconds`. */
  lbAttribute(key: string): string | undefined {
    const attrs = this.snapshot.elbv2.LoadBalancerAttributes[this.lb.LoadBalancerArn ?? ''] ?? []
    return attrs.find((a) => a.Key === key)?.Value
  }

  targetGroupAttribute(tgArn: string, key: string): string | undefined {
    return (this.snapshot.elbv2.TargetGroupAttributes[tgArn] ?? []).find((a) => a.Key === key)?.Value
  }

  vpcEndpoints(vpcId: string): J<VpcEndpoint>[] {
    return this.snapshot.ec2.VpcEndpoints.filter((e) => e.VpcId === vpcId)
  }

  prefixListEntries(prefixListId: string): J<PrefixListEntry>[] | undefined {
    return this.snapshot.ec2.PrefixListEntries[prefixListId]
  }

  launchTemplateVersions(): J<LaunchTemplateVersion>[] {
    return this.snapshot.ec2.LaunchTemplateVersions
  }

  /** Target groups that some listener (default action or rule) forwards to. */
  targetGroupsOnListeners(): Set<string> {
    const arns = new Set<string>()
    const collect = (actions: {TargetGroupArn?: string; ForwardConfig?: {TargetGroups?: {TargetGroupArn?: string}[]}}[] = []) => {
      for (const a of actions) {
        if (a.TargetGroupArn) arns.add(a.TargetGroupArn)
        for (const t of a.ForwardConfig?.TargetGroups ?? []) if (t.TargetGroupArn) arns.add(t.TargetGroupArn)
      }
    }
    for (const l of this.listeners) {
      collect(l.DefaultActions)
      for (const r of this.listenerRules(l.ListenerArn ?? '')) collect(r.Actions)
    }
    return arns
  }

  /** The Auto Scaling groups attached to a target group. */
  groupsForTargetGroup(tgArn: string): J<AutoScalingGroup>[] {
    return this.autoScalingGroups.filter((g) => (g.TargetGroupARNs ?? []).includes(tgArn))
  }

  /**
   * Rule numbers for NACL entries a remediation proposes, free in the ACL and below `below` (the entry that denies),
   * one per entry key (e.g. `tcp|1024-65535|10.0.0.0/24`). Shared by every rule of one analysis: the same entry gets
   * the same number wherever it is proposed, and two different entries never get one number, so the commands of
   * several findings can all be run. An entry with no free number left gets undefined.
   */
  proposeNaclRuleNumbers(acl: J<NetworkAcl>, egress: boolean, below: number, entryKeys: string[]): (number | undefined)[] {
    const slot = `${acl.NetworkAclId}|${egress}`
    if (!this.naclProposals.has(slot)) this.naclProposals.set(slot, new Map())
    const proposed = this.naclProposals.get(slot)!
    const fresh = [...new Set(entryKeys.filter((k) => !((proposed.get(k) ?? Infinity) < below)))]
    const numbers = freeNaclRuleNumbers(acl, egress, below, fresh.length, [...proposed.values()])
    fresh.forEach((k, i) => numbers[i] !== undefined && proposed.set(k, numbers[i]))
    return entryKeys.map((k) => {
      const n = proposed.get(k)
      return n !== undefined && n < below ? n : undefined
    })
  }

  /**
   * The evidence over time (the snapshot's `history` section) with its analysis: onset, shape, the changes before
   * the onset, series and log summaries by what they are. Computed once per analysis, on first use; undefined when
   * the snapshot has no history (`--no-history`, or written before it existed).
   */
  get history(): HistoryView | undefined {
    if (this.historyView === undefined) {
      const h = this.snapshot.history
      const byIp = new Map<string, string>()
      for (const i of this.instances) if (i.PrivateIpAddress && i.InstanceId) byIp.set(i.PrivateIpAddress, i.InstanceId)
      const bucket = (base: string) => (this.lbAttribute(`${base}.enabled`) === 'true' ? this.lbAttribute(`${base}.bucket`) || undefined : undefined)
      this.historyView = h ? new HistoryView(h, this.snapshot.errors, {accessLogsBucket: bucket('access_logs.s3'), healthCheckLogsBucket: bucket('health_check_logs.s3')}, byIp) : null
    }
    return this.historyView ?? undefined
  }

  // ---- collection errors ---------------------------------------------------------------------------------

  /** The first collection error of an API (IAM action name), optionally for one resource. */
  failure(api: string, resource?: string): CollectionError | undefined {
    return this.snapshot.errors.find((e) => e.api === api && (resource === undefined || e.resource === undefined || e.resource === resource))
  }

  // ---- building findings ---------------------------------------------------------------------------------

  meta(ruleId: string): RuleMeta {
    const m = this.metas.get(ruleId)
    if (!m) throw new Error(`rule ${ruleId} is missing from the catalogue`)
    return m
  }

  finding(ruleId: Id, input: FindingInput<Id>): Finding {
    const meta = this.meta(ruleId)
    return {
      ruleId,
      key: input.key ?? `${ruleId}:${input.resources[0] ?? ''}`,
      severity: input.severity ?? meta.severity,
      title: input.title ?? meta.title,
      message: input.message,
      resources: input.resources,
      evidence: input.evidence ?? [],
      ...(input.data ? {data: input.data} : {}),
      remediation: input.remediation,
      confidence: input.confidence ?? 'certain',
      ...(input.explains ? {explains: input.explains} : {}),
    }
  }

  /** The load balancer's name for report text: its name, else the name in its ARN. */
  get lbName(): string {
    return this.lb.LoadBalancerName ?? shortName(this.lb.LoadBalancerArn)
  }

  /**
   * The flags that point a remediation command at the place the diagnosis looked: `--region`, and the `--profile`
   * and `--endpoint-url` the user gave, so a pasted command acts there. Every value is quoted (the region comes from
   * a snapshot file, which anyone can edit). A raw token for `cmd` in src/lib/shell.ts, and its text anywhere else.
   */
  get regionFlag(): Raw {
    const {profile, endpointUrl} = this.placement
    return raw(
      shellCommand('--region', this.snapshot.meta.region, ...(profile ? ['--profile', profile] : []), ...(endpointUrl ? ['--endpoint-url', endpointUrl] : [])),
    )
  }
}

/** A readable name for an ARN: `app/web-alb/50dc6c495c0c9188` -> `web-alb`, `targetgroup/web/73e2d6bc24d8a067` -> `web`. */
export function shortName(arn: string | undefined): string {
  if (!arn) return '?'
  const m = /:(?:loadbalancer\/(?:app|net|gwy)|targetgroup)\/([^/]+)/.exec(arn)
  return m ? m[1] : arn
}
