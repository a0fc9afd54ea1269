/**
 * `scanFleet`: every application load balancer of the regions and accounts asked for, each diagnosed as
 * `diagnose` would (the same `collectSnapshot` and `analyze`), one entry per ALB, worst first. The CLI
 * (src/commands/scan.ts) and the watchdog's handler both call it.
 *
 * Per region and profile: one set of clients, shared by every ALB there (the SDK's adaptive retry keeps one rate
 * limiter per client, so a throttle seen by one ALB's reads slows all of them down together), and one region cache
 * (src/collect/region-cache.ts), so the reads the ALBs share are made once. At most `concurrency` ALBs of a region
 * are collected at once, each through a pool of its own, and a few regions at once.
 *
 * Nothing unreadable stops the scan: an account, region or ALB that cannot be read is an entry of its own with
 * verdict `error` and the reason (AccessDenied naming the IAM action, a region that is not enabled, an endpoint
 * that does not answer), and the others still report. Only a scan of a single account without credentials (or
 * without a region) is a user error, as in `diagnose`.
 */
import type {LoadBalancer} from '@aws-sdk/client-elastic-load-balancing-v2'
import type {Report} from '../analyze/report.js'
import {severityRank} from '../analyze/report.js'
import type {AwsClients} from '../lib/aws.js'
import {AwsCallError, isBadCredentials, NO_CREDENTIALS, UserError} from '../lib/errors.js'
import {accountOf} from '../collect/index.js'
import {directReads} from '../collect/reads.js'
import type {RegionCache} from '../collect/region-cache.js'
import {mergeStats} from '../collect/region-cache.js'
import type {CallRunner, CollectStats} from '../collect/runner.js'
import {mapLimit, sortBy} from '../collect/util.js'
import {needsTags, parseFilters, passes} from './filter.js'
import type {AlbFilter} from './filter.js'
import {scanRegions} from './regions.js'
import {historyEvidence, onInstanceChecks, regionPacer} from './extras.js'
import type {Pacer} from '../history/changes.js'
import {SCAN_SCHEMA, SCAN_VERSION} from './types.js'
import type {ScanDeps, ScanEntry, ScanReport, ScanRequest, ScanVerdict} from './types.js'

/** ALBs of one region collected at once, unless the request says otherwise. */
export const DEFAULT_CONCURRENCY = 4
/** Regions (of any account) scanned at once: each has its own endpoints and rate limits. */
export const REGIONS_AT_ONCE = 4

/** The order of verdicts in a report: known problems, then what could not be read, then the partial, then the healthy. */
export const VERDICT_ORDER: readonly ScanVerdict[] = ['problems', 'error', 'incomplete', 'healthy']

export const SSM_SKIPPED_NOTE = 'On-instance checks were skipped (a scan runs them only with --ssm): nothing was sent to the instances.'

interface Scope {
  profile: string | undefined
  region: string
}

export async function scanFleet(request: ScanRequest, deps: ScanDeps): Promise<ScanReport> {
  const started = performance.now()
  const scannedAt = (deps.now?.() ?? new Date()).toISOString()
  const filter = parseFilters(request.filter ?? [])
  const profiles = request.profiles.length > 0 ? [...new Set(request.profiles)] : [undefined]
  const single = profiles.length === 1
  const [{CallRunner}, {RegionCache}] = await Promise.all([import('../collect/runner.js'), import('../collect/region-cache.js')])
  const counted: {stats(): CollectStats}[] = []
  const runner = () => {
    const r = new CallRunner(8, deps.trace)
    counted.push(r)
    return r
  }
  const clientsByScope = new Map<string, AwsClients>()
  const clientsFor = (region: string | undefined, profile: string | undefined) => {
    const key = `${profile ?? ''}\u0000${region ?? ''}`
    const hit = clientsByScope.get(key)
    if (hit) return hit
    const made = deps.clients(region, profile)
    clientsByScope.set(key, made)
    return made
  }
  const progress = {done: 0, total: 0}
  const tick = () => deps.progress?.(progress.done, progress.total)

  const unreadable: ScanEntry[] = []
  const scopes = (
    await Promise.all(
      profiles.map(async (profile): Promise<Scope[]> => {
        try {
          const regions = await scanRegions(request.regions, () => regionalClients(clientsFor, profile, request.regions), runner())
          return regions.map((region) => ({profile, region}))
        } catch (error) {
          if (single) throw error
          unreadable.push({region: request.regions.join(',') || '(configured)', ...(profile ? {profile} : {}), verdict: 'error', error: reasonOf(error)})
          return []
        }
      }),
    )
  ).flat()

  const regionEntries = await mapLimit(scopes, REGIONS_AT_ONCE, async (scope) => {
    const clients = clientsFor(scope.region, scope.profile)
    const listed = await listRegion(clients, scope, filter, runner(), single)
    if ('error' in listed) return [listed.error]
    progress.total += listed.albs.length
    tick()
    const cache = new RegionCache({log: deps.trace})
    counted.push(cache)
    // Failures here are the ALBs' to record: each one's collection gets them replayed from the cache (a credential
    // failure, which rejects, included: each ALB then becomes an error entry of its own).
    if (listed.albs.length > 1) await cache.prefetch(runner(), (r) => directReads(r, clients)).catch(() => undefined)
    const pacer = request.history ? await regionPacer() : undefined
    return mapLimit(listed.albs, request.concurrency ?? DEFAULT_CONCURRENCY, async (lb) => {
      const entry = await diagnoseOne(lb, {scope, clients, cache, pacer, calls: runner(), request, deps, single})
      progress.done++
      tick()
      return entry
    })
  })

  const entries = sortEntries([...unreadable, ...regionEntries.flat()])
  const byVerdict = Object.fromEntries(VERDICT_ORDER.map((v) => [v, entries.filter((e) => e.verdict === v).length])) as Record<ScanVerdict, number>
  return {
    schema: SCAN_SCHEMA,
    version: SCAN_VERSION,
    scannedAt,
    entries,
    summary: {
      loadBalancers: entries.filter((e) => e.loadBalancerArn).length,
      byVerdict,
      calls: mergeStats(counted.map((c) => c.stats())).calls,
      ms: Math.round(performance.now() - started),
    },
  }
}

/** The clients to ask an account's regions with: its configured region's, or us-east-1's for `all` without one. */
async function regionalClients(clientsFor: (region: string | undefined, profile: string | undefined) => AwsClients, profile: string | undefined, regions: readonly string[]): Promise<AwsClients> {
  const configured = clientsFor(undefined, profile)
  if (!regions.includes('all')) return configured
  return configured.region().then(
    (region) => clientsFor(region, profile),
    () => clientsFor('us-east-1', profile),
  )
}

/** The region's ALBs that pass the filter, by name; or the region's error entry. */
async function listRegion(
  clients: AwsClients,
  scope: Scope,
  filter: AlbFilter,
  r: CallRunner,
  single: boolean,
): Promise<{albs: LoadBalancer[]} | {error: ScanEntry}> {
  const [{allLoadBalancers}, {describeTags}] = await Promise.all([import('../collect/resolve.js'), import('../collect/elbv2.js')])
  const at = {region: scope.region, ...(scope.profile ? {profile: scope.profile} : {})}
  let albs: LoadBalancer[]
  try {
    albs = (await allLoadBalancers(clients, r)).filter((lb) => lb.Type === 'application')
  } catch (error) {
    if (single && isNoCredentials(error)) throw error
    return {error: {...at, verdict: 'error', error: reasonOf(error, true)}}
  }
  const account = albs.map((lb) => accountOf(lb.LoadBalancerArn ?? '')).find(Boolean)
  let tags: Map<string, Record<string, string>> | undefined
  if (needsTags(filter) && albs.length > 0) {
    tags = await describeTags(r, clients, albs.map((lb) => lb.LoadBalancerArn ?? ''))
    const failed = r.errors.find((e) => e.api === 'elasticloadbalancing:DescribeTags')
    if (failed) {
      const why = failed.accessDenied ? `${failed.api} was denied (needs IAM permission ${failed.api})` : `${failed.api} failed: ${failed.code}: ${failed.message}`
      return {error: {...at, ...(account ? {account} : {}), verdict: 'error', error: `The tag filter could not be applied: ${why}.`}}
    }
  }
  return {albs: sortBy(albs.filter((lb) => passes(filter, lb.LoadBalancerName ?? '', tags?.get(lb.LoadBalancerArn ?? ''))), (lb) => lb.LoadBalancerName)}
}

interface AlbContext {
  scope: Scope
  clients: AwsClients
  cache: RegionCache
  /** Set with --history: the region's CloudTrail pacer. */
  pacer?: Pacer
  calls: CallRunner
  request: ScanRequest
  deps: ScanDeps
  single: boolean
}

/** One ALB, as `diagnose NAME --no-ssm` (or with the on-instance checks, with `ssm`) would report it. */
async function diagnoseOne(lb: LoadBalancer, x: AlbContext): Promise<ScanEntry> {
  const arn = lb.LoadBalancerArn ?? ''
  const name = lb.LoadBalancerName ?? ''
  const account = accountOf(arn)
  const base = {region: x.scope.region, ...(account ? {account} : {}), ...(x.scope.profile ? {profile: x.scope.profile} : {}), name, loadBalancerArn: arn}
  try {
    const [{collectSnapshot}, {analyze}] = await Promise.all([import('../collect/index.js'), import('../analyze/engine.js')])
    const {snapshot} = await collectSnapshot({
      loadBalancer: lb,
      input: name,
      clients: x.clients,
      region: x.scope.region,
      toolVersion: x.deps.toolVersion,
      endpointUrl: x.request.endpointUrl,
      now: x.deps.now,
      log: x.deps.trace,
      runner: x.calls,
      ssmReadiness: true,
      cache: x.cache,
    })
    const notes: string[] = []
    if (x.request.endpointUrl) notes.push(`Collected from ${x.request.endpointUrl} (endpoint override).`)
    if (snapshot.ec2.Instances.length > 0) notes.push(...(x.request.ssm ? await onInstanceChecks(snapshot, x.clients, x.calls) : [SSM_SKIPPED_NOTE]))
    if (x.pacer) await historyEvidence(snapshot, x.clients, x.pacer, x.calls, x.deps.now)
    const report = analyze(snapshot, {failOn: x.request.failOn, notes, history: x.request.history, placement: {profile: x.scope.profile, endpointUrl: x.request.endpointUrl}})
    return {...base, ...summariseReport(report), report, ...(x.request.keepSnapshots ? {snapshot} : {})}
  } catch (error) {
    if (x.single && isNoCredentials(error)) throw error
    return {...base, verdict: 'error', error: reasonOf(error)}
  }
}

/** The verdict, the targets and the lead root cause of a report: the scan's line for it. */
export function summariseReport(report: Report): Pick<ScanEntry, 'verdict' | 'targets' | 'leadCause'> {
  const lead = report.rootCauses[0]?.cause
  const commands = lead?.remediation.commands ?? []
  return {
    verdict: report.status,
    targets: {
      healthy: report.overview.targetGroups.reduce((n, tg) => n + tg.targets.healthy, 0),
      total: report.overview.targetGroups.reduce((n, tg) => n + tg.targets.total, 0),
    },
    // One command is the fix; the first of several is only a step (or one alternative): never shown as the fix alone.
    ...(lead
      ? {leadCause: {ruleId: lead.ruleId, title: lead.title, severity: lead.severity, ...(commands.length === 1 ? {fix: commands[0]} : {}), ...(commands.length ? {commands} : {}), summary: lead.remediation.summary}}
      : {}),
  }
}

/** Worst first: by verdict, then the lead cause's severity, then where and what. */
export function sortEntries(entries: readonly ScanEntry[]): ScanEntry[] {
  const rank = (e: ScanEntry) => [VERDICT_ORDER.indexOf(e.verdict), e.leadCause ? severityRank(e.leadCause.severity) : 9] as const
  return [...entries].sort((a, b) => {
    const [va, sa] = rank(a)
    const [vb, sb] = rank(b)
    return va - vb || sa - sb || `${a.profile ?? ''} ${a.region} ${a.name ?? ''}`.localeCompare(`${b.profile ?? ''} ${b.region} ${b.name ?? ''}`)
  })
}

function isNoCredentials(error: unknown): boolean {
  return error instanceof UserError && (error.message === NO_CREDENTIALS || error.message.startsWith('No AWS credentials') || error.message.startsWith('No AWS region'))
}

/**
 * Why an account, region or ALB could not be read, in one sentence: the user error the collect layer made of the
 * failure (it names the API and, for AccessDenied, the IAM action), and for a region whose endpoint rejects the
 * credentials, the likely reason.
 */
export function reasonOf(error: unknown, region = false): string {
  const message = error instanceof Error ? error.message : String(error)
  if (region && error instanceof AwsCallError && isBadCredentials({name: error.code})) {
    return `${message.replace(/\.$/, '')}: the region may not be enabled for this account (aws account list-regions).`
  }
  return message
}
