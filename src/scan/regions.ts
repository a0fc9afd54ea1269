/** The regions a scan covers for one account: those named, the configured one, or every enabled one. */
import type {AwsClients} from '../lib/aws.js'
import {ec2Sdk} from '../lib/aws.js'
import type {CallRunner} from '../collect/runner.js'

/**
 * `[]`: the configured region; `['all']`: the regions enabled for the account (ec2:DescribeRegions answers only
 * those unless asked for all); else the regions named, deduplicated, in the order given. `home` gives the clients
 * of the account's configured region, built only when needed. A failed DescribeRegions throws the user error naming
 * the IAM action.
 */
export async function scanRegions(requested: readonly string[], home: () => Promise<AwsClients>, runner: CallRunner): Promise<string[]> {
  if (requested.length > 0 && !requested.includes('all')) return [...new Set(requested)]
  const clients = await home()
  if (requested.length === 0) return [await clients.region()]
  const {DescribeRegionsCommand} = ec2Sdk()
  const out = await runner.must('ec2:DescribeRegions', undefined, () => clients.ec2.send(new DescribeRegionsCommand({})))
  return (out.Regions ?? [])
    .filter((r) => r.OptInStatus !== 'not-opted-in')
    .map((r) => r.RegionName ?? '')
    .filter(Boolean)
    .sort()
}
