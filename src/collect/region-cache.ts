/**
 * What the load balancers of one region share, read once for all of them: a scan (src/scan/) diagnoses every ALB
 * of a region with one set of clients and one `RegionCache`, and each `collectSnapshot` takes its shared reads
 * (./reads.ts) and its SSM readiness reads (IAM instance profiles, roles, policies) from here.
 *
 * Each snapshot stays exactly what `diagnose` would have collected for that load balancer: the cache hands every
 * caller the same items the direct read would have returned for its own ids, and a read that failed is recorded in
 * each caller's own runner (so its checks say "could not check" as they would alone). Items are kept by id
 * (security groups, instances, subnets), so an ALB whose groups overlap another's asks only for the ones not read
 * yet; lists that come whole (the region's Auto Scaling groups, a VPC's network) are kept by what was asked.
 *
 * Each load runs through a runner of its own (a small pool, like a diagnosis's), whose failures are the ones
 * replayed to the callers and whose counts `stats()` adds up.
 */
import type {AutoScalingGroup} from '@aws-sdk/client-auto-scaling'
import type {Instance, SecurityGroup, Subnet} from '@aws-sdk/client-ec2'
import type {CollectionError} from '../snapshot/types.js'
import type {SharedReads} from './reads.js'
import {CallRunner} from './runner.js'
import type {CollectStats} from './runner.js'
import {uniq} from './util.js'

interface Outcome<T> {
  value: T
  errors: CollectionError[]
}

export interface RegionCacheOptions {
  /** Calls in flight at once per load (default 8, as a diagnosis). */
  concurrency?: number
  /** One line per AWS call, for --verbose. */
  log?: (line: string) => void
}

export class RegionCache {
  private readonly whole = new Map<string, Promise<Outcome<unknown>>>()
  private readonly items = new Map<string, Promise<Outcome<unknown[]>>>()
  private readonly runners: CallRunner[] = []

  constructor(private readonly options: RegionCacheOptions = {}) {}

  /** The value under `key`, loaded by the first caller; every caller gets that load's failures in its own runner. */
  async once<T>(key: string, into: CallRunner, load: (r: CallRunner) => Promise<T>): Promise<T> {
    let entry = this.whole.get(key) as Promise<Outcome<T>> | undefined
    if (!entry) {
      entry = this.load(load)
      this.whole.set(key, entry)
    }
    const {value, errors} = await entry
    for (const e of errors) into.record(e)
    return value
  }

  /**
   * The items under these keys (a key may hold several: the subnets of a VPC). Keys not asked for yet are loaded
   * in one go (`load` gets only those); `keyOf` files each item it returns. A key the load returned nothing for is
   * remembered as empty, unless `retryMissing` (instances asked for by id parameter, where a miss is asked again
   * through the filter).
   */
  async byKey<T>(
    kind: string,
    keys: readonly (string | undefined)[],
    into: CallRunner,
    load: (r: CallRunner, missing: string[]) => Promise<T[]>,
    keyOf: (item: T) => string | undefined,
    options: {retryMissing?: boolean} = {},
  ): Promise<T[]> {
    const wanted = uniq(keys)
    const slot = (key: string) => `${kind}\u0000${key}`
    const missing = wanted.filter((k) => !this.items.has(slot(k)))
    if (missing.length > 0) {
      const batch = this.load(async (r) => {
        const byKey = new Map<string, T[]>()
        for (const item of await load(r, missing)) {
          const k = keyOf(item)
          if (k !== undefined) byKey.set(k, [...(byKey.get(k) ?? []), item])
        }
        return byKey
      })
      for (const k of missing) {
        const entry: Promise<Outcome<unknown[]>> = batch.then(({value, errors}) => ({value: value.get(k) ?? [], errors}))
        entry.catch(() => undefined)
        this.items.set(slot(k), entry)
        if (options.retryMissing) {
          void entry.then(
            (o) => {
              if (o.value.length === 0 && this.items.get(slot(k)) === entry) this.items.delete(slot(k))
            },
            () => undefined,
          )
        }
      }
    }
    const outcomes = await Promise.all(wanted.map((k) => this.items.get(slot(k)) as Promise<Outcome<T[]>>))
    // One load's failures once, however many of the caller's keys it served.
    const replayed = new Set<CollectionError>()
    for (const o of outcomes) {
      for (const e of o.errors) {
        if (replayed.has(e)) continue
        replayed.add(e)
        into.record(e)
      }
    }
    return outcomes.flatMap((o) => o.value)
  }

  /** The shared reads of one collection, served from this cache; `direct` sends a read through a load's runner. */
  reads(into: CallRunner, direct: (r: CallRunner) => SharedReads): SharedReads {
    const sorted = (ids: readonly string[]) => uniq(ids).sort().join(',')
    return {
      allGroups: () => this.once<AutoScalingGroup[]>('autoscaling-groups', into, (r) => direct(r).allGroups()),
      activities: (groupName) => this.once(`activities:${groupName}`, into, (r) => direct(r).activities(groupName)),
      vpcSubnets: (vpcIds) => this.byKey<Subnet>('vpc-subnets', vpcIds, into, (r, ids) => direct(r).vpcSubnets(ids), (s) => s.VpcId),
      subnets: (ids) => this.byKey<Subnet>('subnet', ids, into, (r, missing) => direct(r).subnets(missing), (s) => s.SubnetId),
      network: (vpcIds) => this.once(`network:${sorted(vpcIds)}`, into, (r) => direct(r).network(vpcIds)),
      securityGroups: (ids) => this.byKey<SecurityGroup>('security-group', ids, into, (r, missing) => direct(r).securityGroups(missing), (g) => g.GroupId),
      groupInstances: (ids) =>
        this.byKey<Instance>('instance', ids, into, (r, missing) => direct(r).groupInstances(missing), (i) => i.InstanceId, {retryMissing: true}),
      instances: (ids) => this.byKey<Instance>('instance', ids, into, (r, missing) => direct(r).instances(missing), (i) => i.InstanceId),
      prefixLists: (ids) => this.once(`prefix-lists:${sorted(ids)}`, into, (r) => direct(r).prefixLists(ids)),
      // One entry per template and versions asked: ALBs whose groups share a template share its read.
      launchTemplateVersions: async (requests) =>
        (await Promise.all(requests.map((req) => this.once(`launch-template:${JSON.stringify(req)}`, into, (r) => direct(r).launchTemplateVersions([req]))))).flat(),
    }
  }

  /**
   * Reads ahead what every ALB of the region starts with: the Auto Scaling groups, and the instances of the groups
   * attached to a target group, 1,000 ids a call for the whole region rather than one call per ALB. Groups attached
   * to none (rare, and not all in an ALB's VPC) are left to the ALBs that select them.
   */
  async prefetch(into: CallRunner, direct: (r: CallRunner) => SharedReads): Promise<void> {
    const reads = this.reads(into, direct)
    const groups = await reads.allGroups()
    await reads.groupInstances(groups.filter((g) => (g.TargetGroupARNs ?? []).length > 0).flatMap((g) => (g.Instances ?? []).map((i) => i.InstanceId)).filter((id): id is string => !!id))
  }

  /** Every call the cache's loads sent. */
  stats(): CollectStats {
    return mergeStats(this.runners.map((r) => r.stats()))
  }

  private load<T>(load: (r: CallRunner) => Promise<T>): Promise<Outcome<T>> {
    const r = new CallRunner(this.options.concurrency ?? 8, this.options.log)
    this.runners.push(r)
    const out = load(r).then((value) => ({value, errors: [...r.errors]}))
    // Only a credential failure rejects; each caller awaiting the entry gets it.
    out.catch(() => undefined)
    return out
  }
}

/** Counts of several runners as one: calls and failures added, per-API counts merged, the longest wall time. */
export function mergeStats(all: readonly CollectStats[]): CollectStats {
  const perApi: Record<string, number> = {}
  for (const s of all) for (const [api, n] of Object.entries(s.perApi)) perApi[api] = (perApi[api] ?? 0) + n
  const sortedApi = Object.fromEntries(Object.keys(perApi).sort().map((k) => [k, perApi[k]]))
  return {
    calls: all.reduce((a, s) => a + s.calls, 0),
    perApi: sortedApi,
    failed: all.reduce((a, s) => a + s.failed, 0),
    wallMs: all.reduce((a, s) => Math.max(a, s.wallMs), 0),
  }
}
