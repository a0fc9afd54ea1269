/**
 * Facts about a target group's health check that the rules, the on-instance probe plan, fix-nginx and the report
 * overview all need, worked out in one place: which port the health check goes to (the `traffic-port` keyword,
 * in any case, or a port number) and which HTTP codes its matcher accepts ("200", "200,302", "200-399").
 * Pure; takes the few fields it reads, so SDK and snapshot shapes both fit.
 */

/** The fields of a target group (SDK or snapshot shape) these facts are read from. */
export interface HealthCheckFields {
  Port?: number
  HealthCheckPort?: string
  Matcher?: {HttpCode?: string}
}

export const TRAFFIC_PORT = 'traffic-port'

/** The ALB's default success codes for an HTTP(S) health check when the target group names none. */
export const DEFAULT_MATCHER = '200'

/** The explicit health-check port, or undefined when the health check goes to each target's traffic port. */
export function explicitHealthCheckPort(tg: HealthCheckFields): number | undefined {
  const hc = (tg.HealthCheckPort ?? '').trim()
  if (hc === '' || hc.toLowerCase() === TRAFFIC_PORT) return undefined
  const port = Number(hc)
  // AWS only ever returns the keyword or a port number; anything else is read as the traffic port.
  return Number.isInteger(port) && port >= 1 && port <= 65_535 ? port : undefined
}

/** Whether the health check goes to the port each target receives traffic on (`traffic-port`, the default). */
export const checksTrafficPort = (tg: HealthCheckFields): boolean => explicitHealthCheckPort(tg) === undefined

/** The port the health check reaches a target on, for a target registered on `targetPort` (default: the group's port, else 80). */
export function healthCheckPort(tg: HealthCheckFields, targetPort: number = tg.Port ?? 80): number {
  return explicitHealthCheckPort(tg) ?? targetPort
}

/** "traffic port" or "port 8080", for report text. */
export function describeHealthCheckPort(tg: HealthCheckFields): string {
  const port = explicitHealthCheckPort(tg)
  return port === undefined ? 'traffic port' : `port ${port}`
}

/** The matcher's codes as the target group states them, `200` when it names none. */
export const matcherCodes = (tg: HealthCheckFields): string => tg.Matcher?.HttpCode?.trim() || DEFAULT_MATCHER

export interface CodeRange {
  from: number
  to: number
}

/** "200,302" -> [{200,200},{302,302}]; "200-399" -> [{200,399}]. Parts that are not codes or ranges are left out. */
export function parseMatcher(matcher: string): CodeRange[] {
  const ranges: CodeRange[] = []
  for (const part of matcher.split(',')) {
    const m = /^\s*(\d{3})\s*(?:-\s*(\d{3})\s*)?$/.exec(part)
    if (m) ranges.push({from: Number(m[1]), to: Number(m[2] ?? m[1])})
  }
  return ranges
}

/** Whether an HTTP status code is one the matcher accepts. */
export const matcherAccepts = (matcher: string, code: number): boolean => parseMatcher(matcher).some((r) => code >= r.from && code <= r.to)
