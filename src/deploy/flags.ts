/**
 * The stack's options as command flags, shared by `deploy` and `synth`, and their translation into validated
 * props. Only @oclif/core and infra/props.ts are loaded here: no CDK at start-up.
 */
import {Flags} from '@oclif/core'
import {DEFAULT_PROPS, InvalidPropsError, SCENARIOS, resolveProps} from '../../infra/props.js'
import type {ScalingMetric, Scenario, WebTierProps} from '../../infra/props.js'
import {DEFAULT_WATCHDOG_PROPS, parseTarget, resolveWatchdogProps} from '../../infra/watchdog/props.js'
import type {WatchdogProps} from '../../infra/watchdog/props.js'
import {UserError} from '../lib/errors.js'
import {checkRegion} from '../lib/options.js'

const d = DEFAULT_PROPS

export const stackNameFlag = {
  'stack-name': Flags.string({summary: 'CloudFormation stack name.', default: d.stackName, helpGroup: 'STACK'}),
}

export const stackFlags = {
  ...stackNameFlag,
  scenario: Flags.string({
    summary: 'Deploy a deliberately broken variant to practise on.',
    description: Object.entries(SCENARIOS).map(([k, v]) => `${k}: ${v}`).join('\n'),
    options: Object.keys(SCENARIOS),
    default: d.scenario,
    helpGroup: 'STACK',
  }),
  'nat-gateways': Flags.integer({summary: 'NAT gateways: 3 (one per AZ) for high availability, 1 to save cost.', default: d.natGateways, helpGroup: 'STACK'}),
  'instance-type': Flags.string({summary: 'EC2 instance type of the web servers.', default: d.instanceType, helpGroup: 'STACK'}),
  min: Flags.integer({summary: 'Minimum instances in the Auto Scaling group.', default: d.minCapacity, helpGroup: 'STACK'}),
  desired: Flags.integer({summary: 'Desired instances in the Auto Scaling group.', default: d.desiredCapacity, helpGroup: 'STACK'}),
  max: Flags.integer({summary: 'Maximum instances in the Auto Scaling group.', default: d.maxCapacity, helpGroup: 'STACK'}),
  'health-check-path': Flags.string({summary: 'Path the target group checks; nginx answers it with 200.', default: d.healthCheckPath, helpGroup: 'STACK'}),
  'target-port': Flags.integer({summary: 'Port nginx listens on and the ALB forwards to.', default: d.targetPort, helpGroup: 'STACK'}),
  'certificate-arn': Flags.string({summary: 'ACM certificate ARN: adds an HTTPS listener; HTTP then redirects to HTTPS.', helpGroup: 'STACK'}),
  'alert-email': Flags.string({summary: 'E-mail address for the alarms (AWS mails a confirmation link first).', helpGroup: 'STACK'}),
  'scale-on': Flags.string({summary: 'Target-tracking scaling metric.', options: ['cpu', 'requests', 'both'], default: d.scaleOn, helpGroup: 'STACK'}),
  'cpu-target': Flags.integer({summary: 'Target average CPU, percent.', default: d.cpuTargetPercent, helpGroup: 'STACK'}),
  'requests-per-target': Flags.integer({summary: 'Target requests per minute per instance.', default: d.requestsPerTarget, helpGroup: 'STACK'}),
  'grace-period': Flags.integer({summary: 'Seconds a new instance may boot before ELB health checks count.', default: d.healthCheckGraceSeconds, helpGroup: 'STACK'}),
}

export interface StackFlagValues {
  'stack-name': string
  scenario?: string
  'nat-gateways'?: number
  'instance-type'?: string
  min?: number
  desired?: number
  max?: number
  'health-check-path'?: string
  'target-port'?: number
  'certificate-arn'?: string
  'alert-email'?: string
  'scale-on'?: string
  'cpu-target'?: number
  'requests-per-target'?: number
  'grace-period'?: number
}

/** Validated props from the flags; an invalid combination is the user's to fix (exit 2). */
export function propsFromFlags(f: StackFlagValues): WebTierProps {
  try {
    return resolveProps({
      stackName: f['stack-name'],
      scenario: f.scenario as Scenario | undefined,
      natGateways: f['nat-gateways'],
      instanceType: f['instance-type'],
      minCapacity: f.min,
      desiredCapacity: f.desired,
      maxCapacity: f.max,
      healthCheckPath: f['health-check-path'],
      targetPort: f['target-port'],
      certificateArn: f['certificate-arn'],
      alertEmail: f['alert-email'],
      scaleOn: f['scale-on'] as ScalingMetric | undefined,
      cpuTargetPercent: f['cpu-target'],
      requestsPerTarget: f['requests-per-target'],
      healthCheckGraceSeconds: f['grace-period'],
    })
  } catch (error) {
    if (error instanceof InvalidPropsError) throw new UserError(error.message, 'See --help for the stack options and their ranges.')
    throw error
  }
}

// ---- the watchdog ----------------------------------------------------------------------------------------------

const w = DEFAULT_WATCHDOG_PROPS

export const watchdogFlag = {
  watchdog: Flags.boolean({summary: 'The watchdog stack (scheduled fleet diagnosis on Lambda and Step Functions) instead of the reference web tier.', helpGroup: 'WATCHDOG'}),
}

export const watchdogFlags = {
  ...watchdogFlag,
  targets: Flags.string({
    summary: 'Account-regions the watchdog scans: REGION (its own account) or ACCOUNT:REGION (a member account, through its read-only role). Default: the region it is deployed to.',
    multiple: true,
    delimiter: ',',
    helpGroup: 'WATCHDOG',
  }),
  rate: Flags.integer({summary: 'Minutes between watchdog runs.', default: w.rateMinutes, helpGroup: 'WATCHDOG'}),
  'notify-on': Flags.string({summary: 'Lowest severity of a root cause that makes a watchdog event and notification.', options: ['critical', 'error', 'warning', 'info'], default: w.notifyOn, helpGroup: 'WATCHDOG'}),
  'retention-days': Flags.integer({summary: 'Days the watchdog keeps a report or snapshot after its last write.', default: w.retentionDays, helpGroup: 'WATCHDOG'}),
  'member-role-name': Flags.string({summary: 'The read-only role the StackSet creates in member accounts.', default: w.memberRoleName, helpGroup: 'WATCHDOG'}),
}

export interface WatchdogFlagValues {
  'stack-name': string
  targets?: string[]
  rate?: number
  'notify-on'?: string
  'retention-days'?: number
  'member-role-name'?: string
  'alert-email'?: string
}

/**
 * The watchdog's props from the flags. --stack-name defaults to the web tier's name; left at that default, the
 * watchdog takes its own (asg-doctor-watchdog).
 */
export function watchdogPropsFromFlags(f: WatchdogFlagValues): WatchdogProps {
  try {
    return resolveWatchdogProps({
      stackName: f['stack-name'] === d.stackName ? w.stackName : f['stack-name'],
      // Regions are checked against AWS's list (with a "did you mean"), not only by their shape.
      targets: f.targets?.filter((t) => t.trim()).map(parseTarget).map((t) => ({...t, region: checkRegion(t.region, '--targets')})),
      rateMinutes: f.rate,
      notifyOn: f['notify-on'] as WatchdogProps['notifyOn'] | undefined,
      retentionDays: f['retention-days'],
      memberRoleName: f['member-role-name'],
      alertEmail: f['alert-email'],
    })
  } catch (error) {
    if (error instanceof InvalidPropsError) throw new UserError(error.message, 'See --help for the watchdog options and their ranges.')
    throw error
  }
}
