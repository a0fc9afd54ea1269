/**
 * The reads of the walk that do not depend on which load balancer is diagnosed: the region's Auto Scaling groups,
 * subnets, the VPCs' network, security groups, instances, prefix lists and launch template versions. A diagnosis
 * sends them straight through its runner (`directReads`); a scan of many load balancers serves them from a region
 * cache (./region-cache.ts), so that each is asked of AWS once per region, not once per load balancer.
 */
import type {Activity, AutoScalingGroup} from '@aws-sdk/client-auto-scaling'
import type {Instance, LaunchTemplateVersion, ManagedPrefixList, PrefixListEntry, SecurityGroup, Subnet} from '@aws-sdk/client-ec2'
import type {AwsClients} from '../lib/aws.js'
import {ec2Sdk, requestsOnWire} from '../lib/aws.js'
import {releaseMemory} from '../lib/memory.js'
import {describeActivities, describeAllGroups} from './autoscaling.js'
import type {TemplateRequest} from './autoscaling.js'
import {describeInstances, describeLaunchTemplateVersions, describePrefixLists, describeSecurityGroups, describeSubnets, describeVpcNetwork} from './ec2.js'
import type {VpcNetwork} from './ec2.js'
import type {CallRunner} from './runner.js'
import {chunk, uniq} from './util.js'

export interface SharedReads {
  /** Every Auto Scaling group of the region. */
  allGroups(): Promise<AutoScalingGroup[]>
  /** A group's recent scaling activities (undefined when the call failed). */
  activities(groupName: string): Promise<Activity[] | undefined>
  /** The subnets of these VPCs. */
  vpcSubnets(vpcIds: readonly string[]): Promise<Subnet[]>
  /** These subnets, by id. */
  subnets(ids: readonly string[]): Promise<Subnet[]>
  network(vpcIds: readonly string[]): Promise<VpcNetwork>
  securityGroups(ids: readonly string[]): Promise<SecurityGroup[]>
  /** Instances by the ids an Auto Scaling group lists (id parameter, 1,000 a call); an unknown id is skipped. */
  groupInstances(ids: readonly string[]): Promise<Instance[]>
  /** Instances by id through the filter (skips missing ids). */
  instances(ids: readonly string[]): Promise<Instance[]>
  prefixLists(ids: readonly string[]): Promise<{lists: ManagedPrefixList[]; entries: Record<string, PrefixListEntry[]>}>
  launchTemplateVersions(requests: readonly TemplateRequest[]): Promise<LaunchTemplateVersion[]>
}

/** Every read sent as asked, through the given runner. */
export function directReads(r: CallRunner, c: AwsClients): SharedReads {
  return {
    allGroups: () => describeAllGroups(r, c),
    activities: (groupName) => describeActivities(r, c, groupName),
    vpcSubnets: (vpcIds) => describeSubnets(r, c, {vpcIds}),
    subnets: (ids) => describeSubnets(r, c, {ids}),
    network: (vpcIds) => describeVpcNetwork(r, c, vpcIds),
    securityGroups: (ids) => describeSecurityGroups(r, c, ids),
    groupInstances: (ids) => describeInstancesById(r, c, ids),
    instances: (ids) => describeInstances(r, c, ids),
    prefixLists: (ids) => describePrefixLists(r, c, ids),
    launchTemplateVersions: (requests) => describeLaunchTemplateVersions(r, c, requests),
  }
}

/**
 * Instances by id, 1,000 per call (the ids the groups list), one call after the other so that one answer's worth
 * of instances is parsed at a time; the instance-id filter would take a call per 200. Once the next call is on the
 * wire, the previous answer's parse garbage is collected (src/lib/memory.ts), so that it is not still in the heap
 * when the next answer is parsed: at 3,000 instances the collection's peak RSS falls by ~30 MB. An id that no
 * longer exists fails its whole call (InvalidInstanceID.NotFound): the caller then asks for the ids this did not
 * return through the filter, which skips missing ids.
 */
async function describeInstancesById(r: CallRunner, c: AwsClients, ids: readonly string[]): Promise<Instance[]> {
  const {DescribeInstancesCommand} = ec2Sdk()
  const out: Instance[] = []
  for (const [n, batch] of chunk(uniq(ids), 1000).entries()) {
    const got = r
      .paginate(
        'ec2:DescribeInstances',
        batch.length === 1 ? batch[0] : `${batch[0]} (+${batch.length - 1})`,
        (NextToken) => c.ec2.send(new DescribeInstancesCommand({InstanceIds: batch, ...(NextToken ? {NextToken} : {})})),
        (p) => (p.Reservations ?? []).flatMap((res) => res.Instances ?? []),
        (p) => p.NextToken,
        // Not recorded: the ids it did not return are asked for through the filter next.
        {onFailure: 'rethrow'},
      )
      .catch(() => [])
    if (n > 0) {
      await requestsOnWire()
      releaseMemory(0)
    }
    out.push(...(await got))
  }
  return out
}
