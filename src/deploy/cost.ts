/**
 * What the stack costs per hour while it runs, from a small table of us-east-1 on-demand list prices. An
 * estimate: it leaves out data processing (NAT per GB, ALB LCUs above the baseline, endpoint per GB), data
 * transfer, CloudWatch Logs ingestion and taxes, and other regions price differently.
 */
import type {WebTierProps} from '../../infra/props.js'
import {AZ_COUNT} from '../../infra/props.js'

/** USD per hour, us-east-1, on-demand list prices (checked against the AWS pricing pages, 2025). */
export const PRICES = {
  natGatewayHour: 0.045,
  albHour: 0.0225,
  /** One LCU-hour: the floor an ALB with light traffic pays on top of its hourly price. */
  albLcuHour: 0.008,
  interfaceEndpointAzHour: 0.01,
  publicIpv4Hour: 0.005,
  gp3GbMonth: 0.08,
  alarmMonth: 0.1,
  dashboardMonth: 3,
} as const

export const HOURS_PER_MONTH = 730

/** Linux on-demand, USD per hour, us-east-1. */
export const INSTANCE_HOURLY: Readonly<Record<string, number>> = {
  't2.micro': 0.0116, 't2.small': 0.023, 't2.medium': 0.0464,
  't3.nano': 0.0052, 't3.micro': 0.0104, 't3.small': 0.0208, 't3.medium': 0.0416, 't3.large': 0.0832,
  't3a.micro': 0.0094, 't3a.small': 0.0188, 't3a.medium': 0.0376,
  't4g.nano': 0.0042, 't4g.micro': 0.0084, 't4g.small': 0.0168, 't4g.medium': 0.0336, 't4g.large': 0.0672,
  'm5.large': 0.096, 'm6i.large': 0.096, 'm7i.large': 0.1008, 'm6g.large': 0.077, 'm7g.large': 0.0816,
  'c5.large': 0.085, 'c6i.large': 0.085, 'c7i.large': 0.0893, 'c6g.large': 0.068, 'c7g.large': 0.0725,
  'r6i.large': 0.126, 'r7g.large': 0.1071,
}

export const ROOT_VOLUME_GB = 8
export const ALARM_COUNT = 5
export const SSM_ENDPOINT_COUNT = 3

export interface CostLine {
  item: string
  /** How the figure is made, e.g. "3 × $0.045". */
  basis: string
  usdPerHour: number
}

export interface CostEstimate {
  lines: CostLine[]
  usdPerHour: number
  usdPerDay: number
  usdPerMonth: number
  /** Instance types not in the table: their hours are missing from the total. */
  unknownInstanceType?: string
  caveat: string
}

export const COST_CAVEAT = 'Estimate from us-east-1 on-demand list prices; excludes data processing (NAT and endpoint per GB, ALB LCUs above one), data transfer, log ingestion and tax. Other regions differ.'

export function estimateCost(p: Pick<WebTierProps, 'natGateways' | 'instanceType' | 'desiredCapacity' | 'scenario'>): CostEstimate {
  const instance = INSTANCE_HOURLY[p.instanceType]
  const endpoints = p.scenario === 'no-ssm-endpoints' ? 0 : SSM_ENDPOINT_COUNT
  const lines: CostLine[] = [
    {item: 'NAT gateways', basis: `${p.natGateways} × $${PRICES.natGatewayHour}`, usdPerHour: p.natGateways * PRICES.natGatewayHour},
    {item: 'Load balancer (hour + 1 LCU)', basis: `$${PRICES.albHour} + $${PRICES.albLcuHour}`, usdPerHour: PRICES.albHour + PRICES.albLcuHour},
    // Each NAT gateway holds an Elastic IP; an internet-facing ALB holds one public IPv4 address per AZ.
    {item: 'Public IPv4 addresses', basis: `${p.natGateways + AZ_COUNT} × $${PRICES.publicIpv4Hour}`, usdPerHour: (p.natGateways + AZ_COUNT) * PRICES.publicIpv4Hour},
    ...(endpoints > 0 ? [{item: 'SSM interface endpoints', basis: `${endpoints} endpoints × ${AZ_COUNT} AZs × $${PRICES.interfaceEndpointAzHour}`, usdPerHour: endpoints * AZ_COUNT * PRICES.interfaceEndpointAzHour}] : []),
    {item: `Instances (${p.instanceType})`, basis: instance === undefined ? `${p.desiredCapacity} × price unknown` : `${p.desiredCapacity} × $${instance}`, usdPerHour: p.desiredCapacity * (instance ?? 0)},
    {item: 'Root volumes (gp3)', basis: `${p.desiredCapacity} × ${ROOT_VOLUME_GB} GB × $${PRICES.gp3GbMonth}/GB-month`, usdPerHour: (p.desiredCapacity * ROOT_VOLUME_GB * PRICES.gp3GbMonth) / HOURS_PER_MONTH},
    {item: 'Alarms and dashboard', basis: `${ALARM_COUNT} × $${PRICES.alarmMonth} + $${PRICES.dashboardMonth} per month`, usdPerHour: (ALARM_COUNT * PRICES.alarmMonth + PRICES.dashboardMonth) / HOURS_PER_MONTH},
  ]
  const usdPerHour = lines.reduce((sum, l) => sum + l.usdPerHour, 0)
  return {
    lines,
    usdPerHour,
    usdPerDay: usdPerHour * 24,
    usdPerMonth: usdPerHour * HOURS_PER_MONTH,
    ...(instance === undefined ? {unknownInstanceType: p.instanceType} : {}),
    caveat: COST_CAVEAT,
  }
}

export function formatUsd(n: number): string {
  return `$${n < 1 ? n.toFixed(3) : n.toFixed(2)}`
}

/**
 * The cost as text lines for the plan: the table, the total, and what it leaves out. Per hour for a stack that
 * costs by the hour (the web tier); per month for one that costs by use (the watchdog).
 */
export function formatCost(e: CostEstimate, opts: {per?: 'hour' | 'month'} = {}): string[] {
  const monthly = opts.per === 'month'
  const width = Math.max(...e.lines.map((l) => l.item.length))
  const figure = (usdPerHour: number) => (monthly ? `${formatUsd(usdPerHour * HOURS_PER_MONTH).padStart(7)}/month` : `${formatUsd(usdPerHour).padStart(7)}/h`)
  const out = e.lines.map((l) => `  ${l.item.padEnd(width)}  ${figure(l.usdPerHour)}   ${l.basis}`)
  out.push(monthly ? `  ${'Total'.padEnd(width)}  ${figure(e.usdPerHour)}` : `  ${'Total'.padEnd(width)}  ${figure(e.usdPerHour)}   about ${formatUsd(e.usdPerDay)} a day, ${formatUsd(e.usdPerMonth)} a month`)
  if (e.unknownInstanceType) out.push(`  No price on file for ${e.unknownInstanceType}: its instance hours are not in the total.`)
  out.push(`  ${e.caveat}`)
  return out
}

// ---- the watchdog ----------------------------------------------------------------------------------------------

/** USD, us-east-1 list prices (checked against the AWS pricing pages, 2025), for what the watchdog uses. */
export const WATCHDOG_PRICES = {
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  /** Step Functions Standard workflows, per state transition. */
  stateTransition: 0.025 / 1000,
  customMetricMonth: 0.3,
  putMetricDataRequest: 0.01 / 1000,
  s3PutRequest: 0.005 / 1000,
  s3GetRequest: 0.0004 / 1000,
  s3GbMonth: 0.023,
  schedulerInvocation: 1 / 1e6,
  logsIngestGb: 0.5,
} as const

/** What the estimate assumes per account-region and per ALB (measured figures belong here as they come). */
export const WATCHDOG_ASSUMPTIONS = {
  albsPerTarget: 5,
  /** Seconds of Lambda per ALB scanned (API reads only), plus a fixed start per run. */
  secondsPerAlb: 2,
  secondsPerRun: 2,
  /** Transitions: the run's own states, and each Distributed Map item's child execution. */
  transitionsPerRun: 5,
  transitionsPerTarget: 3,
  /** Metrics per ALB: Problems by critical, error and warning (plus one Unreadable for the whole fleet). */
  metricsPerAlb: 3,
  snapshotKb: 60,
  reportKbPerAlb: 25,
  /** Step Functions execution history in CloudWatch Logs (level ALL, without data), per state entered. */
  logKbPerTransition: 1,
} as const

export const WATCHDOG_COST_CAVEAT = 'Estimate from us-east-1 list prices before free tiers; assumes 5 ALBs per account-region and ~2 s of Lambda per ALB; SNS mail and EventBridge events (only on a change) cost cents. Other regions differ.'

export function estimateWatchdogCost(p: {rateMinutes: number; targets: number; memoryMb: number; retentionDays: number; albsPerTarget?: number}): CostEstimate {
  const a = WATCHDOG_ASSUMPTIONS
  const P = WATCHDOG_PRICES
  const runs = (HOURS_PER_MONTH * 60) / p.rateMinutes
  const targets = Math.max(1, p.targets)
  const albs = targets * (p.albsPerTarget ?? a.albsPerTarget)
  const invocations = runs * (targets + 1)
  const gbSeconds = runs * (albs * a.secondsPerAlb + (targets + 1) * a.secondsPerRun) * (p.memoryMb / 1024)
  const transitions = runs * (a.transitionsPerRun + targets * a.transitionsPerTarget)
  const metrics = albs * a.metricsPerAlb + 1
  const puts = runs * (targets + albs + 2)
  const gets = runs * (targets + 1)
  const storedGb = (albs * a.snapshotKb + Math.min(p.retentionDays, 31) * (runs / 30.4) * albs * a.reportKbPerAlb * 2) / 1024 / 1024
  const logGb = (transitions * a.logKbPerTransition) / 1024 / 1024
  const month = (usd: number) => usd / HOURS_PER_MONTH
  const n = (x: number) => Math.round(x).toLocaleString('en-US')
  const lines: CostLine[] = [
    {item: 'Lambda (arm64)', basis: `${n(invocations)} runs, ${n(gbSeconds)} GB-s × $${P.lambdaArmGbSecond}`, usdPerHour: month(invocations * P.lambdaRequest + gbSeconds * P.lambdaArmGbSecond)},
    {item: 'Step Functions (Standard)', basis: `${n(transitions)} transitions × $${P.stateTransition * 1000}/1,000`, usdPerHour: month(transitions * P.stateTransition)},
    {item: 'CloudWatch metrics', basis: `${n(metrics)} metrics × $${P.customMetricMonth} + ${n(runs * Math.ceil(metrics / 1000))} PutMetricData`, usdPerHour: month(metrics * P.customMetricMonth + runs * Math.ceil(metrics / 1000) * P.putMetricDataRequest)},
    {item: 'S3 (requests and storage)', basis: `${n(puts)} PUT, ${n(gets)} GET, ~${storedGb.toFixed(2)} GB kept`, usdPerHour: month(puts * P.s3PutRequest + gets * P.s3GetRequest + storedGb * P.s3GbMonth)},
    {item: 'EventBridge Scheduler', basis: `${n(runs)} invocations × $1/million`, usdPerHour: month(runs * P.schedulerInvocation)},
    {item: 'CloudWatch Logs', basis: `~${(logGb * 1024).toFixed(0)} MB of run history × $${P.logsIngestGb}/GB`, usdPerHour: month(logGb * P.logsIngestGb)},
  ]
  const usdPerHour = lines.reduce((sum, l) => sum + l.usdPerHour, 0)
  return {lines, usdPerHour, usdPerDay: usdPerHour * 24, usdPerMonth: usdPerHour * HOURS_PER_MONTH, caveat: WATCHDOG_COST_CAVEAT}
}
