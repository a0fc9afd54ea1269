/**
 * Collects what SSM readiness needs beyond the EC2 network: each instance's IAM (instance profile → role →
 * attached and inline policies, with their documents) and Systems Manager's own view of the instances
 * (DescribeInstanceInformation).
 *
 * Every distinct profile, role and managed policy is read once, whatever the number of instances sharing it.
 * All calls go through one limiter, so nesting (roles → policies) never exceeds the bound. A failed call becomes
 * a CollectionError and collection carries on: the rules that needed it then report "could not check".
 */
import {createRequire} from 'node:module'
import type {Instance} from '@aws-sdk/client-ec2'
import type * as IamSdk from '@aws-sdk/client-iam'
import type * as SsmSdk from '@aws-sdk/client-ssm'
import type {AwsClients} from '../lib/aws.js'
import {awsErrorCode, isAccessDenied} from '../lib/errors.js'
import type {AwsErrorLike} from '../lib/errors.js'
import type {CollectionError, Jsonify} from '../snapshot/types.js'
import type {IamSection, InlinePolicy, PolicyDocument, SsmSection} from '../snapshot/iam-ssm-types.js'

const require = createRequire(import.meta.url)

/** DescribeInstanceInformation: the InstanceIds filter takes up to 100 values, MaxResults 5-50; 50 ids fit one page. */
export const INSTANCE_INFO_BATCH = 50
const CONCURRENCY = 8

export interface SsmReadinessInput {
  clients: AwsClients
  instances: Jsonify<Instance>[]
  log?: (line: string) => void
}

export interface SsmReadinessResult {
  iam: IamSection
  ssm: SsmSection
  errors: CollectionError[]
}

/** Runs at most `n` tasks at a time, in the order they were asked for. */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0
  const queue: (() => void)[] = []
  const next = () => {
    if (active >= n || queue.length === 0) return
    active++
    queue.shift()!()
  }
  return (task) =>
    new Promise((resolve, reject) => {
      queue.push(() => {
        task()
          .then(resolve, reject)
          .finally(() => {
            active--
            next()
          })
      })
      next()
    })
}

/** `arn:aws:iam::123456789012:instance-profile/path/web` -> `web` (the name is the last path segment). */
export function profileNameFromArn(arn: string): string {
  const resource = arn.split(':').slice(5).join(':')
  return resource.slice(resource.lastIndexOf('/') + 1)
}

/** IAM returns policy documents URL-encoded (RFC 3986); some emulators return them plain. */
export function decodePolicyDocument(raw: string): PolicyDocument {
  let text = raw
  try {
    text = decodeURIComponent(raw)
  } catch {
    // Not URL-encoded (a literal % that is not an escape): parse it as it is.
  }
  return JSON.parse(text) as PolicyDocument
}

/** SDK objects carry Dates; the snapshot holds their JSON form. */
const toJson = <T>(value: T): Jsonify<T> => JSON.parse(JSON.stringify(value)) as Jsonify<T>

/**
 * The code and message of a failed call. A response the SDK cannot parse (moto answers actions it does not
 * implement, such as DescribeInstanceInformation, with an HTML page and HTTP 500) surfaces as a bare
 * SyntaxError: say what happened instead.
 */
export function describeError(api: string, error: unknown): {code: string; message: string} {
  const code = awsErrorCode(error)
  const status = (error as AwsErrorLike)?.$metadata?.httpStatusCode
  if (code === 'SyntaxError' && status) {
    return {code: `HTTP${status}`, message: `${api} answered HTTP ${status} with a body that is not an AWS response (an emulator that does not implement it?)`}
  }
  return {code, message: (error as Error)?.message ?? String(error)}
}

const distinct = (values: (string | undefined)[]): string[] => [...new Set(values.filter((v): v is string => !!v))]

export async function collectSsmReadiness(input: SsmReadinessInput): Promise<SsmReadinessResult> {
  const {clients, instances} = input
  const log = input.log ?? (() => {})
  const errors: CollectionError[] = []
  const limit = limiter(CONCURRENCY)
  const fail = (api: string, resource: string | undefined, error: unknown) => {
    errors.push({api, ...(resource ? {resource} : {}), ...describeError(api, error), accessDenied: isAccessDenied(error)})
  }

  const [iam, ssm] = await Promise.all([
    collectIam(clients, instances, limit, fail),
    collectInstanceInformation(clients, instances, limit, fail),
  ])
  log(
    `ssm readiness: ${Object.keys(iam.InstanceProfiles).length} instance profile(s), ${Object.keys(iam.RolePolicies).length} role(s), ` +
      `${Object.keys(iam.ManagedPolicies).length} managed policy(ies), ${ssm.InstanceInformationList.length} of ${ssm.RequestedInstanceIds.length} instance(s) registered with SSM`,
  )
  return {iam, ssm, errors}
}

type Limit = ReturnType<typeof limiter>
type Fail = (api: string, resource: string | undefined, error: unknown) => void

async function collectIam(clients: AwsClients, instances: Jsonify<Instance>[], limit: Limit, fail: Fail): Promise<IamSection> {
  const section: IamSection = {InstanceProfiles: {}, RolePolicies: {}, ManagedPolicies: {}, NotFound: []}
  const profileArns = distinct(instances.map((i) => i.IamInstanceProfile?.Arn))
  if (profileArns.length === 0) return section
  const m = require('@aws-sdk/client-iam') as typeof IamSdk
  const client = clients.iam
  const notFound = (arn: string, error: unknown) => {
    if (awsErrorCode(error) !== 'NoSuchEntity' && awsErrorCode(error) !== 'NoSuchEntityException') return false
    section.NotFound.push(arn)
    return true
  }

  await Promise.all(
    profileArns.map(async (arn) => {
      try {
        const out = await limit(() => client.send(new m.GetInstanceProfileCommand({InstanceProfileName: profileNameFromArn(arn)})))
        if (out.InstanceProfile) section.InstanceProfiles[arn] = toJson(out.InstanceProfile)
      } catch (error) {
        if (!notFound(arn, error)) fail('iam:GetInstanceProfile', arn, error)
      }
    }),
  )

  const roleNames = distinct(Object.values(section.InstanceProfiles).flatMap((p) => (p.Roles ?? []).map((r) => r.RoleName)))
  await Promise.all(
    roleNames.map(async (roleName) => {
      const [attached, inline] = await Promise.all([
        listAttached(roleName).catch((error) => void fail('iam:ListAttachedRolePolicies', roleName, error)),
        listInlineNames(roleName).catch((error) => void fail('iam:ListRolePolicies', roleName, error)),
      ])
      const inlinePolicies = await Promise.all((inline ?? []).map((name) => getInline(roleName, name)))
      section.RolePolicies[roleName] = {
        AttachedPolicies: attached ?? [],
        InlinePolicies: inlinePolicies.filter((p): p is InlinePolicy => p !== undefined),
      }
    }),
  )

  const policyArns = distinct(Object.values(section.RolePolicies).flatMap((r) => r.AttachedPolicies.map((p) => p.PolicyArn)))
  await Promise.all(
    policyArns.map(async (policyArn) => {
      let policy
      try {
        policy = (await limit(() => client.send(new m.GetPolicyCommand({PolicyArn: policyArn})))).Policy
      } catch (error) {
        if (!notFound(policyArn, error)) fail('iam:GetPolicy', policyArn, error)
        return
      }
      if (!policy?.DefaultVersionId) return
      try {
        const out = await limit(() => client.send(new m.GetPolicyVersionCommand({PolicyArn: policyArn, VersionId: policy.DefaultVersionId})))
        section.ManagedPolicies[policyArn] = {Policy: toJson(policy), Document: decodePolicyDocument(out.PolicyVersion?.Document ?? '{}')}
      } catch (error) {
        fail('iam:GetPolicyVersion', policyArn, error)
      }
    }),
  )
  return section

  async function listAttached(roleName: string) {
    const all: Jsonify<IamSdk.AttachedPolicy>[] = []
    let Marker: string | undefined
    do {
      const out = await limit(() => client.send(new m.ListAttachedRolePoliciesCommand({RoleName: roleName, Marker})))
      all.push(...toJson(out.AttachedPolicies ?? []))
      Marker = out.IsTruncated ? out.Marker : undefined
    } while (Marker)
    return all
  }

  async function listInlineNames(roleName: string) {
    const all: string[] = []
    let Marker: string | undefined
    do {
      const out = await limit(() => client.send(new m.ListRolePoliciesCommand({RoleName: roleName, Marker})))
      all.push(...(out.PolicyNames ?? []))
      Marker = out.IsTruncated ? out.Marker : undefined
    } while (Marker)
    return all
  }

  async function getInline(roleName: string, policyName: string): Promise<InlinePolicy | undefined> {
    try {
      const out = await limit(() => client.send(new m.GetRolePolicyCommand({RoleName: roleName, PolicyName: policyName})))
      return {PolicyName: policyName, PolicyDocument: decodePolicyDocument(out.PolicyDocument ?? '{}')}
    } catch (error) {
      fail('iam:GetRolePolicy', `${roleName}/${policyName}`, error)
      return undefined
    }
  }
}

/**
 * Only running instances are asked about: SSM does not report stopped or terminated nodes, and an id SSM does
 * not know can fail a whole batch.
 */
async function collectInstanceInformation(clients: AwsClients, instances: Jsonify<Instance>[], limit: Limit, fail: Fail): Promise<SsmSection> {
  const ids = distinct(instances.filter((i) => i.State?.Name === 'running').map((i) => i.InstanceId))
  const section: SsmSection = {InstanceInformationList: [], RequestedInstanceIds: ids}
  if (ids.length === 0) return section
  const m = require('@aws-sdk/client-ssm') as typeof SsmSdk
  const client = clients.ssm
  const batches: string[][] = []
  for (let i = 0; i < ids.length; i += INSTANCE_INFO_BATCH) batches.push(ids.slice(i, i + INSTANCE_INFO_BATCH))

  const results = await Promise.all(
    batches.map(async (batch) => {
      const found: Jsonify<SsmSdk.InstanceInformation>[] = []
      let NextToken: string | undefined
      try {
        do {
          const out = await limit(() =>
            client.send(new m.DescribeInstanceInformationCommand({Filters: [{Key: 'InstanceIds', Values: batch}], MaxResults: 50, NextToken})),
          )
          found.push(...toJson(out.InstanceInformationList ?? []))
          NextToken = out.NextToken
        } while (NextToken)
      } catch (error) {
        fail('ssm:DescribeInstanceInformation', undefined, error)
      }
      return found
    }),
  )
  section.InstanceInformationList = results.flat()
  return section
}
