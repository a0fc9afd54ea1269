/**
 * What fix-nginx must know about each candidate instance before sending it anything: does it exist, is it
 * running, is it Linux, and does Systems Manager see it Online (the only state in which SendCommand reaches it).
 */
import {CallRunner} from '../collect/runner.js'
import {chunk} from '../collect/util.js'
import {ec2Sdk, ssmSdk} from '../lib/aws.js'
import type {AwsClients} from '../lib/aws.js'
import {AwsCallError} from '../lib/errors.js'

export interface InstanceFacts {
  instanceId: string
  state?: string
  privateIp?: string
  /** `windows` for Windows instances, absent for Linux (EC2's Platform field). */
  platform?: string
}

export interface SsmFacts {
  pingStatus?: string
  platformType?: string
}

/** DescribeInstances by filter, not by InstanceIds: an unknown id then just goes missing instead of failing all. */
export async function describeInstances(ids: string[], clients: AwsClients, calls: CallRunner = new CallRunner()): Promise<Map<string, InstanceFacts>> {
  const sdk = ec2Sdk()
  const facts = new Map<string, InstanceFacts>()
  for (const batch of chunk(ids, 200)) {
    const instances = await calls.paginate(
      'ec2:DescribeInstances',
      batch.length === 1 ? batch[0] : `${batch[0]} (+${batch.length - 1})`,
      (token) => clients.ec2.send(new sdk.DescribeInstancesCommand({Filters: [{Name: 'instance-id', Values: batch}], MaxResults: 1000, ...(token ? {NextToken: token} : {})})),
      (res) => (res.Reservations ?? []).flatMap((r) => r.Instances ?? []),
      (res) => res.NextToken,
      {onFailure: 'throw'},
    )
    for (const i of instances) {
      facts.set(i.InstanceId!, {instanceId: i.InstanceId!, state: i.State?.Name, privateIp: i.PrivateIpAddress, ...(i.Platform ? {platform: i.Platform} : {})})
    }
  }
  return facts
}

/**
 * Systems Manager's view, 50 ids per call (the InstanceIds filter's limit is 100, a page holds 50). A denied call
 * stops the command: without it fix-nginx cannot tell which instances it can reach.
 */
export async function describeSsm(ids: string[], clients: AwsClients, calls: CallRunner = new CallRunner()): Promise<Map<string, SsmFacts>> {
  const sdk = ssmSdk()
  const facts = new Map<string, SsmFacts>()
  for (const batch of chunk(ids, 50)) {
    const infos = await calls
      .paginate(
        'ssm:DescribeInstanceInformation',
        batch.length === 1 ? batch[0] : `${batch[0]} (+${batch.length - 1})`,
        (token) => clients.ssm.send(new sdk.DescribeInstanceInformationCommand({Filters: [{Key: 'InstanceIds', Values: batch}], MaxResults: 50, ...(token ? {NextToken: token} : {})})),
        (res) => res.InstanceInformationList,
        (res) => res.NextToken,
        {onFailure: 'throw'},
      )
      .catch((error: unknown) => {
        if (error instanceof AwsCallError && !error.hint) {
          throw new AwsCallError(error.api, error.code, error.message, 'fix-nginx must know which instances Systems Manager reaches before it sends anything. (The moto emulator does not implement this call.)')
        }
        throw error
      })
    for (const info of infos) facts.set(info.InstanceId!, {pingStatus: info.PingStatus, platformType: info.PlatformType})
  }
  return facts
}
