/**
 * The watchdog stack's options, their defaults and their checks. No CDK here: the commands load this at start-up.
 */
import {InvalidPropsError} from '../props.js'

export interface WatchTargetProps {
  region: string
  /** Member account id: the Lambda assumes `memberRoleName` there. Absent: the watchdog's own account. */
  account?: string
}

export interface WatchdogProps {
  stackName: string
  /** Minutes between runs (EventBridge Scheduler rate). */
  rateMinutes: number
  /** The account-regions to scan; empty: the region the stack is deployed to, in its own account. */
  targets: WatchTargetProps[]
  /** The read-only role the StackSet creates in each member account. */
  memberRoleName: string
  /** Optional e-mail subscription to the notification topic. */
  alertEmail?: string
  /** Root causes at or above this severity become events and notifications. */
  notifyOn: 'critical' | 'error' | 'warning' | 'info'
  /** Days an object stays in the bucket after its last write. */
  retentionDays: number
  /** Account-regions scanned at once by the Distributed Map. */
  maxConcurrency: number
  /** Lambda memory (MB); CPU grows with it. */
  memoryMb: number
  /** Lambda timeout per account-region, seconds (at most 900). */
  timeoutSeconds: number
  /** CloudWatch namespace of the metrics. */
  namespace: string
}

export const DEFAULT_WATCHDOG_PROPS: WatchdogProps = {
  stackName: 'asg-doctor-watchdog',
  rateMinutes: 15,
  targets: [],
  memberRoleName: 'asg-doctor-watchdog-read',
  notifyOn: 'error',
  retentionDays: 30,
  maxConcurrency: 10,
  memoryMb: 1024,
  timeoutSeconds: 300,
  namespace: 'AsgDoctor',
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/
const ACCOUNT = /^\d{12}$/

function problems(p: WatchdogProps): string[] {
  const out: string[] = []
  if (!/^[A-Za-z][A-Za-z0-9-]{0,45}$/.test(p.stackName)) out.push(`Stack name "${p.stackName}" must start with a letter and hold at most 46 letters, digits and hyphens (its role names add a suffix).`)
  if (!Number.isInteger(p.rateMinutes) || p.rateMinutes < 1 || p.rateMinutes > 1440) out.push(`The rate must be a whole number of minutes from 1 to 1440, not ${p.rateMinutes}.`)
  for (const t of p.targets) {
    if (!REGION.test(t.region)) out.push(`"${t.region}" is not a region (a target is REGION or ACCOUNT:REGION, e.g. 123456789012:eu-west-1).`)
    if (t.account !== undefined && !ACCOUNT.test(t.account)) out.push(`"${t.account}" is not a 12-digit account id.`)
  }
  if (!/^[\w+=,.@-]{1,64}$/.test(p.memberRoleName)) out.push(`"${p.memberRoleName}" is not a valid IAM role name.`)
  if (p.alertEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(p.alertEmail)) out.push(`"${p.alertEmail}" is not an e-mail address.`)
  if (!Number.isInteger(p.retentionDays) || p.retentionDays < 1 || p.retentionDays > 3650) out.push(`Retention must be 1 to 3650 days, not ${p.retentionDays}.`)
  if (!Number.isInteger(p.maxConcurrency) || p.maxConcurrency < 1 || p.maxConcurrency > 1000) out.push(`Concurrency must be 1 to 1000, not ${p.maxConcurrency}.`)
  if (!Number.isInteger(p.memoryMb) || p.memoryMb < 128 || p.memoryMb > 10240) out.push(`Lambda memory must be 128 to 10240 MB, not ${p.memoryMb}.`)
  if (!Number.isInteger(p.timeoutSeconds) || p.timeoutSeconds < 30 || p.timeoutSeconds > 900) out.push(`The Lambda timeout must be 30 to 900 seconds, not ${p.timeoutSeconds}.`)
  if (!/^[^:][^:]{0,254}$/.test(p.namespace) || p.namespace.startsWith('AWS/')) out.push(`"${p.namespace}" is not a custom CloudWatch namespace.`)
  return out
}

export function resolveWatchdogProps(partial: Partial<WatchdogProps> = {}): WatchdogProps {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<WatchdogProps>
  const props = {...DEFAULT_WATCHDOG_PROPS, ...defined}
  const problem = problems(props)[0]
  if (problem) throw new InvalidPropsError(problem)
  return props
}

/** `REGION` or `ACCOUNT:REGION`, as the --targets flag takes them. */
export function parseTarget(text: string): WatchTargetProps {
  const [a, b] = text.trim().split(':')
  return b === undefined ? {region: a} : {account: a, region: b}
}
