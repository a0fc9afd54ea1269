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

/** The cost as text lines for the plan: the table, the total, and what it leaves out. */
export function formatCost(e: CostEstimate): string[] {
  const width = Math.max(...e.lines.map((l) => l.item.length))
  const out = e.lines.map((l) => `  ${l.item.padEnd(width)}  ${formatUsd(l.usdPerHour).padStart(7)}/h   ${l.basis}`)
  out.push(`  ${'Total'.padEnd(width)}  ${formatUsd(e.usdPerHour).padStart(7)}/h   about ${formatUsd(e.usdPerDay)} a day, ${formatUsd(e.usdPerMonth)} a month`)
  if (e.unknownInstanceType) out.push(`  No price on file for ${e.unknownInstanceType}: its instance hours are not in the total.`)
  out.push(`  ${e.caveat}`)
  return out
}
