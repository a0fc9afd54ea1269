/**
 * The built CLI's trimmed SDK bundles (dist/sdk/, written by `npm run build`; see scripts/bundle-sdk.mjs) against
 * moto: each bundled service's reads, sent through a client of the bundle and through a client of the package with
 * the same configuration, must come back the same: the answers parsed alike (dates, nested lists, maps) and the
 * errors named alike. test/lib/sdk-bundles.test.ts compares the requests they build; every other integration test
 * runs the built CLI, which loads these bundles.
 *
 * moto lacks CloudTrail LookupEvents and answers it with an error page: that the two fail alike is what is compared
 * there. Nothing is mocked.
 */
import {existsSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {clientConfig} from '../../src/lib/aws.js'
import {SDK_BUNDLED, SDK_EXPORTS, SDK_PACKAGES} from '../../src/lib/sdk-exports.js'
import type {ServiceKey} from '../../src/lib/sdk-exports.js'
import {ROOT} from './helpers/cli.js'
import type {Moto} from './helpers/moto.js'
import {startMoto, useMotoCredentials} from './helpers/moto.js'
import {REGION, seedWorld} from './helpers/seed.js'
import type {SeededWorld} from './helpers/seed.js'

const require = createRequire(import.meta.url)

type Module = Record<string, new (input: unknown) => unknown>
interface Client {
  send(command: unknown): Promise<Record<string, unknown>>
}

let moto: Moto
let world: SeededWorld

beforeAll(async () => {
  useMotoCredentials()
  moto = await startMoto()
  world = await seedWorld(moto.endpoint, {ssmReady: true})
})
afterAll(async () => moto?.stop())

/** The package and the built bundle of a service, each with a client configured as the CLI configures its own. */
function pair(key: ServiceKey): {pkg: Module; bundle: Module; clients: [Client, Client]} {
  const file = join(ROOT, 'dist', 'sdk', `${key}.cjs`)
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first.`)
  const pkg = require(SDK_PACKAGES[key]) as Module
  const bundle = require(file) as Module
  const config = {
    ...clientConfig({region: REGION, endpointUrl: moto.endpoint, maxAttempts: 1}),
    // As AwsClients does under an endpoint override: moto answers CloudWatch in its query protocol only.
    ...(key === 'cloudwatch' ? {protocol: (require('@aws-sdk/core/protocols') as {AwsQueryProtocol: unknown}).AwsQueryProtocol} : {}),
    // And S3 by path: a bucket name in the host would not resolve on loopback.
    ...(key === 's3' ? {forcePathStyle: true} : {}),
  }
  const clientName = SDK_EXPORTS[key][0]
  return {pkg, bundle, clients: [new pkg[clientName](config) as Client, new bundle[clientName](config) as Client]}
}

/** An answer without what differs from one request to the next (request id, retries), or the error's identity. */
async function outcome(client: Client, command: unknown): Promise<unknown> {
  try {
    const {$metadata, ...rest} = await client.send(command)
    return {status: ($metadata as {httpStatusCode?: number}).httpStatusCode, ...rest}
  } catch (e) {
    const error = e as Error & {$fault?: string; $metadata?: {httpStatusCode?: number}}
    return {error: error.name, message: error.message, fault: error.$fault, status: error.$metadata?.httpStatusCode}
  }
}

/** Sends `name` with `input` through both clients; returns the package's answer after checking the bundle's. */
async function same(key: ServiceKey, name: string, input: unknown): Promise<Record<string, unknown>> {
  const {pkg, bundle, clients} = pair(key)
  const fromPackage = await outcome(clients[0], new pkg[name](input))
  const fromBundle = await outcome(clients[1], new bundle[name](input))
  expect(fromBundle, `${key} ${name}`).toEqual(fromPackage)
  return fromPackage as Record<string, unknown>
}

describe('the built SDK bundles against moto', () => {
  it('bundles every service the build is told to', () => {
    for (const key of SDK_BUNDLED) expect(existsSync(join(ROOT, 'dist', 'sdk', `${key}.cjs`)), key).toBe(true)
  })

  it('EC2: instances, security groups, subnets, route tables, launch template versions', async () => {
    const instances = await same('ec2', 'DescribeInstancesCommand', {InstanceIds: world.instanceIds})
    expect((instances.Reservations as {Instances: {LaunchTime: unknown}[]}[]).flatMap((r) => r.Instances)[0].LaunchTime).toBeInstanceOf(Date)
    expect((await same('ec2', 'DescribeSecurityGroupsCommand', {GroupIds: [world.albSg, world.webSg]})).SecurityGroups).toHaveLength(2)
    await same('ec2', 'DescribeSubnetsCommand', {SubnetIds: [...world.publicSubnets, ...world.privateSubnets]})
    await same('ec2', 'DescribeRouteTablesCommand', {Filters: [{Name: 'vpc-id', Values: [world.vpcId]}]})
    await same('ec2', 'DescribeLaunchTemplateVersionsCommand', {LaunchTemplateId: world.launchTemplateId, Versions: ['$Latest']})
    expect(await same('ec2', 'DescribeInstancesCommand', {InstanceIds: ['i-0000000000000dead']})).toMatchObject({error: 'InvalidInstanceID.NotFound'})
  })

  it('Auto Scaling: the group and its activities', async () => {
    expect((await same('autoscaling', 'DescribeAutoScalingGroupsCommand', {AutoScalingGroupNames: [world.asgName]})).AutoScalingGroups).toHaveLength(1)
    await same('autoscaling', 'DescribeScalingActivitiesCommand', {AutoScalingGroupName: world.asgName})
  })

  it('IAM: the instance profile, its role\'s policies, and a missing policy', async () => {
    const profileName = world.instanceProfileArn?.split('/').pop()
    expect((await same('iam', 'GetInstanceProfileCommand', {InstanceProfileName: profileName})).InstanceProfile).toMatchObject({InstanceProfileName: profileName})
    await same('iam', 'ListAttachedRolePoliciesCommand', {RoleName: 'web-instance-role'})
    await same('iam', 'ListRolePoliciesCommand', {RoleName: 'web-instance-role'})
    expect(await same('iam', 'GetPolicyCommand', {PolicyArn: 'arn:aws:iam::123456789012:policy/none'})).toMatchObject({error: 'NoSuchEntityException', status: 404})
  })

  it('SSM: a command sent through each, and its invocation read back', async () => {
    const {pkg, bundle, clients} = pair('ssm')
    const send = {InstanceIds: world.instanceIds.slice(0, 1), DocumentName: 'AWS-RunShellScript', Parameters: {commands: ['true']}}
    const sent = await Promise.all([clients[0].send(new pkg.SendCommandCommand(send)), clients[1].send(new bundle.SendCommandCommand(send))])
    const ids = sent.map((s) => (s.Command as {CommandId: string}).CommandId)
    const read = await Promise.all(
      [pkg, bundle].map((m, i) => outcome(clients[i], new m.GetCommandInvocationCommand({CommandId: ids[i], InstanceId: world.instanceIds[0]}))),
    )
    // The command ids differ, and so may the times moto stamps.
    const plain = (o: unknown) => JSON.parse(JSON.stringify(o, (k, v) => (k === 'CommandId' || /DateTime$/.test(k) ? typeof v : v)))
    expect(plain(read[1])).toEqual(plain(read[0]))
    expect(read[0]).toMatchObject({Status: 'Success'})
  })

  it('CloudWatch: metric data', async () => {
    const {pkg, clients} = pair('cloudwatch')
    const at = new Date(Math.floor(Date.now() / 300_000) * 300_000 - 600_000)
    await clients[0].send(new pkg.PutMetricDataCommand({Namespace: 'AWS/ApplicationELB', MetricData: [{MetricName: 'HTTPCode_ELB_502_Count', Timestamp: at, Value: 3, Dimensions: [{Name: 'LoadBalancer', Value: 'app/web/1'}]}]}))
    const data = await same('cloudwatch', 'GetMetricDataCommand', {
      StartTime: new Date(at.getTime() - 300_000),
      EndTime: new Date(at.getTime() + 300_000),
      MetricDataQueries: [{Id: 'm1', MetricStat: {Metric: {Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_ELB_502_Count', Dimensions: [{Name: 'LoadBalancer', Value: 'app/web/1'}]}, Period: 60, Stat: 'Sum'}}],
    })
    expect(data.MetricDataResults).toMatchObject([{Id: 'm1', Values: [3]}])
  })

  it('S3: an object written, listed and read back, and a missing one', async () => {
    const {pkg, bundle, clients} = pair('s3')
    const bucket = 'sdk-bundles'
    await clients[0].send(new pkg.CreateBucketCommand({Bucket: bucket}))
    await clients[1].send(new bundle.PutObjectCommand({Bucket: bucket, Key: 'AWSLogs/a.log', Body: 'access log line'}))
    expect((await same('s3', 'ListObjectsV2Command', {Bucket: bucket, Prefix: 'AWSLogs/'})).Contents).toMatchObject([{Key: 'AWSLogs/a.log', Size: 15}])
    expect(await same('s3', 'GetObjectCommand', {Bucket: bucket, Key: 'AWSLogs/none'})).toMatchObject({error: 'NoSuchKey', status: 404})
    const read = [pkg, bundle].map(async (m, i) => {
      const out = (await clients[i].send(new m.GetObjectCommand({Bucket: bucket, Key: 'AWSLogs/a.log'}))) as {Body: {transformToString(): Promise<string>}}
      return out.Body.transformToString()
    })
    expect(await Promise.all(read)).toEqual(['access log line', 'access log line'])
  })

  it('CloudTrail: LookupEvents fails alike (moto lacks it)', async () => {
    expect(await same('cloudtrail', 'LookupEventsCommand', {MaxResults: 5})).toHaveProperty('error')
  })
})
