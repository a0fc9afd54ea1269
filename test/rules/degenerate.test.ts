/**
 * No rule may print `undefined`, `null` or `NaN`: snapshots with fields missing, empty lists and ids that point at
 * nothing (an instance without security groups, or naming a group that is not in the snapshot) run through every
 * rule, alone and on top of a broken deployment (so that rules which only speak up on a problem do speak), and no
 * text of any finding (message, title, evidence, remediation) may contain those words.
 */
import {describe, expect, it} from 'vitest'

import {AnalysisContext} from '../../src/analyze/context.js'
import {allRules} from '../../src/rules/index.js'
import type {Finding} from '../../src/rules/types.js'
import {outcomeReason} from '../../src/rules/types.js'
import type {Snapshot} from '../../src/snapshot/types.js'
import {healthySsmWorld} from '../fixtures/ssm.js'
import {ALB_ARN, ASG_NAME, INSTANCE_IDS, TG_ARN, WEB_SG} from '../fixtures/world.js'
import {edit, sample, worldWith} from './instance/helpers.js'
import {TARGETS, change, healthLines, historySection, minute, trafficLines} from '../history/section.js'
import {app500, closed502, setLogs} from './history/helpers.js'

/** An hour with every kind of trouble the history rules look for: keep-alive 502s, one target's 500s, a flapping target, a change and a termination before the onset, slow requests. */
const TROUBLED = historySection({
  minutes: 60,
  metrics: {minutes: 60, elb502: (m) => (m >= 30 && m % 3 === 0 ? 3 : undefined), target5xx: (m) => (m >= 30 ? 2 : undefined), unhealthy: (m) => (m >= 30 && m % 4 < 2 ? 1 : 0), responseTimeP99: () => 45},
  access: trafficLines({minutes: 60, extra: (m) => (m >= 30 ? [closed502(m, 5, TARGETS[m % 3]), app500(m, 9, TARGETS[0]), app500(m, 19, TARGETS[0])] : [])}),
  health: healthLines(60, (m, t) => (t === TARGETS[1] && m >= 30 && m % 4 < 2 ? 'ConnectionTimeout' : undefined)),
  changes: [
    change(25, 'AuthorizeSecurityGroupIngress', WEB_SG, 'arn:aws:iam::123456789012:user/alice'),
    change(27, 'CreateLaunchTemplateVersion', 'lt-0abcdef1234567890', 'arn:aws:iam::123456789012:user/alice'),
    {time: minute(29), source: 'autoscaling-activity', what: 'Terminate', resources: [ASG_NAME, 'i-0old0000000000001'], who: 'autoscaling', status: 'Successful'},
  ],
})

/** `/dev/null` in a shell command is not a missing value. */
const BAD_WORDS = /\b(undefined|NaN)\b|(?<!\/dev\/)\bnull\b/

/** The fully collected healthy world: API sections, SSM readiness and on-instance results. */
function fullWorld(): Snapshot {
  const w = worldWith(sample('al2023-healthy'))
  healthySsmWorld(w)
  return w
}

type Edit = (w: Snapshot) => void

/** Ways a snapshot can be thin or inconsistent. */
const DEGENERATE: Record<string, Edit> = {
  'instances without security groups': (w) => {
    for (const i of w.ec2.Instances) {
      i.SecurityGroups = []
      for (const n of i.NetworkInterfaces ?? []) n.Groups = []
    }
  },
  'instances naming a security group that is not in the snapshot': (w) => {
    w.ec2.SecurityGroups = w.ec2.SecurityGroups.filter((g) => g.GroupId !== WEB_SG)
  },
  'no security groups at all': (w) => {
    w.ec2.SecurityGroups = []
  },
  'instances without subnet, VPC, IP or placement': (w) => {
    for (const i of w.ec2.Instances) {
      delete i.SubnetId
      delete i.VpcId
      delete i.PrivateIpAddress
      delete i.Placement
      delete i.NetworkInterfaces
    }
  },
  'no subnets, route tables or NACLs': (w) => {
    w.ec2.Subnets = []
    w.ec2.RouteTables = []
    w.ec2.NetworkAcls = []
  },
  'NACLs and route tables with no entries': (w) => {
    for (const a of w.ec2.NetworkAcls) a.Entries = []
    for (const r of w.ec2.RouteTables) r.Routes = []
  },
  'no VPC endpoints, VPCs or gateways': (w) => {
    w.ec2.VpcEndpoints = []
    w.ec2.Vpcs = []
    w.ec2.NatGateways = []
    w.ec2.InternetGateways = []
  },
  'a load balancer with only its ARN': (w) => {
    w.elbv2.LoadBalancers = [{LoadBalancerArn: ALB_ARN}]
  },
  'target groups with only their ARN': (w) => {
    w.elbv2.TargetGroups = w.elbv2.TargetGroups.map((t) => ({TargetGroupArn: t.TargetGroupArn}))
  },
  'target health without ids, ports or states': (w) => {
    w.elbv2.TargetHealthDescriptions[TG_ARN] = INSTANCE_IDS.map(() => ({Target: {Id: undefined}, TargetHealth: {}}))
  },
  'targets unhealthy with no reason or description': (w) => {
    w.elbv2.TargetHealthDescriptions[TG_ARN] = INSTANCE_IDS.map((Id) => ({Target: {Id}, TargetHealth: {State: 'unhealthy'}}))
  },
  'targets unused with no reason': (w) => {
    w.elbv2.TargetHealthDescriptions[TG_ARN] = INSTANCE_IDS.map((Id) => ({Target: {Id}, TargetHealth: {State: 'unused'}}))
  },
  'targets registered that are not in the snapshot': (w) => {
    w.elbv2.TargetHealthDescriptions[TG_ARN] = [{Target: {Id: 'i-0ffffffffffffffff', Port: 80}, TargetHealth: {State: 'unhealthy', Reason: 'Target.Timeout'}}]
    w.ec2.Instances = []
  },
  'listeners without actions': (w) => {
    w.elbv2.Listeners = w.elbv2.Listeners.map((l) => ({ListenerArn: l.ListenerArn}))
  },
  'no listeners': (w) => {
    w.elbv2.Listeners = []
  },
  'an Auto Scaling group with only its name': (w) => {
    w.autoscaling.AutoScalingGroups = [{AutoScalingGroupName: ASG_NAME} as Snapshot['autoscaling']['AutoScalingGroups'][number]]
  },
  'an Auto Scaling group with no instances and no capacity': (w) => {
    for (const g of w.autoscaling.AutoScalingGroups) {
      g.Instances = []
      g.DesiredCapacity = 0
      delete g.HealthCheckGracePeriod
    }
  },
  'Auto Scaling group instances without zone or state': (w) => {
    for (const g of w.autoscaling.AutoScalingGroups) for (const i of g.Instances ?? []) {
      delete i.AvailabilityZone
      delete (i as {LifecycleState?: string}).LifecycleState
    }
  },
  'no launch template versions': (w) => {
    w.ec2.LaunchTemplateVersions = []
  },
  'instances without profile, SSM registration or role policies': (w) => {
    for (const i of w.ec2.Instances) delete i.IamInstanceProfile
    if (w.ssm) w.ssm.InstanceInformationList = []
    if (w.iam) w.iam.InstanceProfiles = {}
  },
  'on-instance results with nothing parsed': (w) => {
    for (const r of w.onInstance?.runs ?? []) delete r.parsed
  },
  'a history section with no part at all': (w) => {
    if (w.history) w.history = {version: 1, window: w.history.window, notes: []}
  },
  'a history whose log summaries read no object and whose series have no points': (w) => {
    const h = w.history
    if (!h) return
    for (const s of h.metrics?.series ?? []) {
      s.timestamps = []
      s.values = []
    }
    if (h.accessLogs) h.accessLogs.source.objectsRead = 0
    if (h.healthCheckLogs) h.healthCheckLogs.source.objectsRead = 0
  },
  'history with the changes of unknown resources, and metrics without dimensions': (w) => {
    const h = w.history
    if (!h) return
    for (const e of h.changes?.events ?? []) e.resources = []
    for (const s of h.metrics?.series ?? []) s.dimensions = {}
  },
  'on-instance results with every key missing': (w) => {
    w.onInstance = worldWith(edit(sample('al2023-healthy'), {nginx_installed: undefined, nginx_active: undefined, listen: undefined, health_code: undefined})).onInstance
  },
}

/** Deployments that make the rules speak, to combine with the degenerate edits. */
const BROKEN: Record<string, Edit> = {
  'as it is': () => {},
  'with every target unhealthy': (w) => {
    w.elbv2.TargetHealthDescriptions[TG_ARN] = INSTANCE_IDS.map((Id) => ({Target: {Id, Port: 80}, TargetHealth: {State: 'unhealthy', Reason: 'Target.Timeout', Description: 'Request timed out'}}))
  },
  'with nginx missing on the instances': (w) => {
    w.onInstance = worldWith(sample('al2023-nginx-missing')).onInstance
  },
  'with the security groups closed': (w) => {
    for (const g of w.ec2.SecurityGroups) {
      g.IpPermissions = []
      g.IpPermissionsEgress = []
    }
  },
  'with intermittent 5xx, a change before them and a flapping target in the window': (w) => {
    w.history = structuredClone(TROUBLED)
    setLogs(w, false, true)
    w.history.accessLogs = structuredClone(TROUBLED.accessLogs)
  },
  'with the Auto Scaling group detached and stopped instances': (w) => {
    for (const g of w.autoscaling.AutoScalingGroups) g.TargetGroupARNs = []
    w.elbv2.TargetHealthDescriptions[TG_ARN] = []
    for (const i of w.ec2.Instances) i.State = {Code: 80, Name: 'stopped'}
  },
}

function texts(f: Finding): string[] {
  return [f.title, f.message, f.key, ...f.resources, ...f.evidence, f.remediation.summary, ...(f.remediation.commands ?? []), f.remediation.console ?? '']
}

describe('no rule prints undefined, null or NaN', () => {
  for (const [brokenLabel, broken] of Object.entries(BROKEN)) {
    for (const [label, degenerate] of Object.entries(DEGENERATE)) {
      it(`${label}, ${brokenLabel}`, () => {
        const w = fullWorld()
        broken(w)
        degenerate(w)
        const bad: string[] = []
        for (const rule of allRules) {
          let outcome
          try {
            outcome = rule.check(new AnalysisContext(w))
          } catch (error) {
            bad.push(`${rule.id} threw: ${(error as Error).message}`)
            continue
          }
          if (!Array.isArray(outcome)) {
            if (BAD_WORDS.test(outcomeReason(outcome))) bad.push(`${rule.id} (no findings list): ${outcomeReason(outcome)}`)
            continue
          }
          for (const f of outcome) for (const t of texts(f)) if (BAD_WORDS.test(t)) bad.push(`${rule.id}: ${t}`)
        }
        expect(bad).toEqual([])
      })
    }
  }

  it('catches the words it looks for (the check itself can fail)', () => {
    expect(BAD_WORDS.test('--group-id undefined')).toBe(true)
    expect(BAD_WORDS.test('port NaN')).toBe(true)
    expect(BAD_WORDS.test('Host null')).toBe(true)
    expect(BAD_WORDS.test('nullable and undefinedness are words of their own; curl -o /dev/null')).toBe(false)
  })
})
