/**
 * From what the user typed (an ALB name, ARN, DNS name, or a URL pasted from the browser's address bar) to the
 * load balancer's DescribeLoadBalancers entry. Anything that is not an application load balancer this account
 * and region can see is a user error with one sentence and a hint.
 */
import type {LoadBalancer} from '@aws-sdk/client-elastic-load-balancing-v2'
import type {AwsClients} from '../lib/aws.js'
import {awsErrorCode, describeAwsFailure, UserError} from '../lib/errors.js'
import {elbv2Sdk} from '../lib/aws.js'
import {CallRunner} from './runner.js'
import {cmd} from '../lib/shell.js'
import {editDistance} from '../lib/suggest.js'

export type LbInput =
  | {kind: 'arn'; arn: string; region: string; type: 'app' | 'net' | 'gwy'; name: string}
  | {kind: 'dns'; dnsName: string}
  | {kind: 'name'; name: string}

const ARN_RE = /^arn:aws(?:-cn|-us-gov)?:elasticloadbalancing:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):loadbalancer\/(app|net|gwy)\/([A-Za-z0-9-]{1,32})\/([0-9a-f]{1,32})$/
// A load balancer name: 1-32 letters, digits and hyphens, not starting or ending with a hyphen.
const NAME_RE = /^(?!-)[A-Za-z0-9-]{1,32}(?<!-)$/

/**
 * Tells a name from an ARN from a DNS name, and cleans up a DNS name: a pasted URL, a trailing dot and the
 * `dualstack.` prefix go. Throws a UserError for a malformed ARN or a name AWS would never accept.
 */
export function classifyInput(raw: string): LbInput {
  const input = raw.trim()
  if (input === '') throw new UserError('The load balancer to diagnose is empty.', 'Pass its name, ARN or DNS name, or run `asg-doctor diagnose` with no argument to list them.')
  if (input.startsWith('arn:')) {
    const m = ARN_RE.exec(input)
    if (!m) {
      throw new UserError(
        `"${input}" is not a load balancer ARN.`,
        'An ALB ARN looks like arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>; the name or DNS name works too.',
      )
    }
    return {kind: 'arn', arn: input, region: m[1], type: m[3] as 'app' | 'net' | 'gwy', name: m[4]}
  }
  const host = hostOf(input)
  if (host.includes('.')) return {kind: 'dns', dnsName: normalizeDnsName(host)}
  if (!NAME_RE.test(host)) {
    throw new UserError(
      `"${input}" is not a valid load balancer name, ARN or DNS name.`,
      'ALB names have at most 32 letters, digits and hyphens. Run `asg-doctor diagnose` with no argument to list the load balancers.',
    )
  }
  return {kind: 'name', name: host}
}

/** The host part of a pasted URL (`http://name-1.eu-west-1.elb.amazonaws.com/path`), or the input itself. */
function hostOf(input: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    try {
      return new URL(input).hostname
    } catch {
      return input
    }
  }
  return input.replace(/[/:].*$/, '')
}

/** Lower case, no trailing dot, no `dualstack.` prefix: the shape of DescribeLoadBalancers' DNSName. */
export function normalizeDnsName(dns: string): string {
  return dns.toLowerCase().replace(/\.+$/, '').replace(/^dualstack\./, '')
}

/** DNS names compared without the `internal-` prefix, which users often drop (or add) when they copy one. */
export function sameDnsName(a: string, b: string): boolean {
  const strip = (s: string) => normalizeDnsName(s).replace(/^internal-/, '')
  return strip(a) === strip(b)
}

/** Names within a small edit distance, or containing one another: "did you mean" candidates. */
export function closeNames(wanted: string, names: readonly string[], max = 3): string[] {
  const w = wanted.toLowerCase()
  const scored = names
    .map((n) => ({n, d: editDistance(w, n.toLowerCase())}))
    .filter(({n, d}) => d <= Math.max(2, Math.floor(w.length / 4)) || n.toLowerCase().includes(w) || w.includes(n.toLowerCase()))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
  return scored.slice(0, max).map(({n}) => n)
}

/**
 * Resolves the user's input to the application load balancer it names. The calls go through `runner` (the
 * caller's, so that they count with the rest); a failure stops the command: there is nothing to diagnose without.
 */
export async function resolveLoadBalancer(input: string, clients: AwsClients, runner: CallRunner = new CallRunner()): Promise<LoadBalancer> {
  const parsed = classifyInput(input)
  if (parsed.kind === 'arn' && parsed.type !== 'app') throw notAnAlb(parsed.name, parsed.type === 'net' ? 'network' : 'gateway')
  const lb = await find(parsed, clients, runner)
  if (!lb) throw await notFound(parsed, clients, runner)
  if (lb.Type !== 'application') throw notAnAlb(lb.LoadBalancerName ?? input, lb.Type === 'network' ? 'network' : 'gateway')
  return lb
}

const DESCRIBE_LBS = 'elasticloadbalancing:DescribeLoadBalancers'

async function find(parsed: LbInput, clients: AwsClients, runner: CallRunner): Promise<LoadBalancer | undefined> {
  const {DescribeLoadBalancersCommand} = elbv2Sdk()
  if (parsed.kind === 'dns') return (await allLoadBalancers(clients, runner)).find((lb) => lb.DNSName && sameDnsName(lb.DNSName, parsed.dnsName))
  const request = parsed.kind === 'arn' ? {LoadBalancerArns: [parsed.arn]} : {Names: [parsed.name]}
  const resource = parsed.kind === 'arn' ? parsed.arn : parsed.name
  try {
    const out = await runner.attempt(DESCRIBE_LBS, resource, () => clients.elbv2.send(new DescribeLoadBalancersCommand(request)))
    return out.LoadBalancers?.[0]
  } catch (error) {
    if (awsErrorCode(error) === 'LoadBalancerNotFoundException' || awsErrorCode(error) === 'LoadBalancerNotFound') return undefined
    throw describeAwsFailure(DESCRIBE_LBS, error) ?? error
  }
}

/** Every load balancer in the region, all pages. Failures are fatal here: there is nothing to diagnose without. */
export function allLoadBalancers(clients: AwsClients, runner: CallRunner = new CallRunner()): Promise<LoadBalancer[]> {
  const {DescribeLoadBalancersCommand} = elbv2Sdk()
  return runner.paginate(
    DESCRIBE_LBS,
    undefined,
    (Marker) => clients.elbv2.send(new DescribeLoadBalancersCommand({PageSize: 400, ...(Marker ? {Marker} : {})})),
    (p) => p.LoadBalancers,
    (p) => p.NextMarker,
    {onFailure: 'throw'},
  )
}

async function notFound(parsed: LbInput, clients: AwsClients, runner: CallRunner): Promise<UserError> {
  const region = await clients.region()
  const listHint = `Run \`${cmd`asg-doctor diagnose --region ${region}`}\` with no argument to list the load balancers there, or pass --region if it lives in another region.`
  if (parsed.kind === 'arn') return new UserError(`No load balancer with ARN ${parsed.arn} was found in ${region}.`, listHint)
  if (parsed.kind === 'dns') return new UserError(`No load balancer in ${region} has the DNS name ${parsed.dnsName}.`, listHint)
  const names = (await allLoadBalancers(clients, runner).catch(() => [])).map((lb) => lb.LoadBalancerName ?? '').filter(Boolean)
  const close = closeNames(parsed.name, names)
  const hint = close.length > 0 ? `Did you mean ${close.map((n) => `"${n}"`).join(' or ')}? ${listHint}` : listHint
  return new UserError(`No load balancer named "${parsed.name}" was found in ${region}.`, hint)
}

function notAnAlb(name: string, kind: 'network' | 'gateway'): UserError {
  return new UserError(
    `"${name}" is a ${kind} load balancer; asg-doctor diagnoses application load balancers only.`,
    'Pass the name, ARN or DNS name of an application load balancer (Type: application).',
  )
}
