/**
 * Collects what SSM readiness needs beyond the EC2 network: each instance's IAM (instance profile → role →
 * attached and inline policies, with their documents) and Systems Manager's own view of the instances
 * (DescribeInstanceInformation).
 *
 * Every distinct profile, role and managed policy is read once, whatever the number of instances sharing it.
 * All calls go through the collect layer's CallRunner: one bounded pool, so nesting (roles → policies) never
 * exceeds the bound, each call counted per API, and a failed call recorded as a CollectionError while collection
 * carries on: the rules that needed it then report "could not check".
 */
import type {Instance} from '@aws-sdk/client-ec2'
import {iamSdk, ssmSdk} from '../lib/aws.js'
import type {AwsClients} from '../lib/aws.js'
import {awsErrorCode} from '../lib/errors.js'
import type {CollectionError, Jsonify} from '../snapshot/types.js'
import type {IamSection, InlinePolicy, PolicyDocument, SsmSection} from '../snapshot/iam-ssm-types.js'
import {CallRunner} from './runner.js'
import type {RegionCache} from './region-cache.js'
import {chunk, uniq} from './util.js'

/** DescribeInstanceInformation: the InstanceIds filter takes up to 100 values, MaxResults 5-50; 50 ids fit one page. */
export const INSTANCE_INFO_BATCH = 50
const CONCURRENCY = 8

export interface SsmReadinessInput {
  clients: AwsClients
  instances: Jsonify<Instance>[]
  log?: (line: string) => void
  /**
   * The pool to send the calls through, e.g. the one whose stats the caller reports; by default a pool of its
   * own (logging each call to `log`). The result's `errors` are the failures of this collection only.
   */
  runner?: CallRunner
  /**
   * A scan's region cache: each instance profile, role and managed policy is then read once for every load
   * balancer of the region, and each caller's result (and recorded failures) is what it would have read alone.
   */
  cache?: RegionCache
}

export interface SsmReadinessResult {
  iam: IamSection
  ssm: SsmSection
  errors: CollectionError[]
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

/**
 * A policy document read from IAM, or undefined when it is not a JSON policy (moto answers inline policies made by
 * CloudFormation as Python text): the failure is recorded against the call that read it, so the checks that need
 * the document say "could not check" and the rest carry on.
 */
function readDocument(r: CallRunner, api: string, resource: string, raw: string | undefined): PolicyDocument | undefined {
  try {
    const doc = decodePolicyDocument(raw ?? '{}')
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) return doc
  } catch {
    // recorded below
  }
  r.record({
    api,
    resource,
    code: 'UnreadablePolicyDocument',
    message: `${api} answered a policy document that is not a JSON policy (it starts with ${JSON.stringify((raw ?? '').slice(0, 40))})`,
    accessDenied: false,
  })
  return undefined
}

/** SDK objects carry Dates; the snapshot holds their JSON form. */
const toJson = <T>(value: T): Jsonify<T> => JSON.parse(JSON.stringify(value)) as Jsonify<T>

export async function collectSsmReadiness(input: SsmReadinessInput): Promise<SsmReadinessResult> {
  const {clients, instances} = input
  const log = input.log ?? (() => {})
  const r = input.runner ?? new CallRunner(CONCURRENCY, input.log)
  const before = r.errors.length
  const [iam, ssm] = await Promise.all([collectIam(r, clients, instances, input.cache), collectInstanceInformation(r, clients, instances)])
  log(
    `ssm readiness: ${Object.keys(iam.InstanceProfiles).length} instance profile(s), ${Object.keys(iam.RolePolicies).length} role(s), ` +
      `${Object.keys(iam.ManagedPolicies).length} managed policy(ies), ${ssm.InstanceInformationList.length} of ${ssm.RequestedInstanceIds.length} instance(s) registered with SSM`,
  )
  return {iam, ssm, errors: r.errors.slice(before)}
}

async function collectIam(r: CallRunner, clients: AwsClients, instances: Jsonify<Instance>[], cache?: RegionCache): Promise<IamSection> {
  const section: IamSection = {InstanceProfiles: {}, RolePolicies: {}, ManagedPolicies: {}, NotFound: []}
  const profileArns = uniq(instances.map((i) => i.IamInstanceProfile?.Arn))
  if (profileArns.length === 0) return section
  const m = iamSdk()
  const client = clients.iam
  /** Read once per cache (a scan's region), or straight through this collection's runner. */
  const memo = <T>(key: string, load: (runner: CallRunner) => Promise<T>): Promise<T> => (cache ? cache.once(key, r, load) : load(r))
  /**
   * Sends a Get call. NoSuchEntity is a fact about the account (a dangling ARN), not a failed call: the ARN goes
   * to NotFound and the call answers undefined, with no error recorded.
   */
  const get = async <T>(runner: CallRunner, api: string, arn: string, send: () => Promise<T>): Promise<{out?: T; notFound?: true}> => {
    let notFound = false
    const out = await runner.call(api, arn, () =>
      send().catch((error: unknown) => {
        if (awsErrorCode(error) !== 'NoSuchEntity' && awsErrorCode(error) !== 'NoSuchEntityException') throw error
        notFound = true
        return undefined
      }),
    )
    return notFound ? {notFound: true} : {...(out ? {out} : {})}
  }

  await Promise.all(
    profileArns.map(async (arn) => {
      const got = await memo(`iam:profile:${arn}`, (runner) =>
        get(runner, 'iam:GetInstanceProfile', arn, () => client.send(new m.GetInstanceProfileCommand({InstanceProfileName: profileNameFromArn(arn)}))),
      )
      if (got.notFound) section.NotFound.push(arn)
      if (got.out?.InstanceProfile) section.InstanceProfiles[arn] = toJson(got.out.InstanceProfile)
    }),
  )

  const roleNames = uniq(Object.values(section.InstanceProfiles).flatMap((p) => (p.Roles ?? []).map((role) => role.RoleName)))
  await Promise.all(
    roleNames.map(async (roleName) => {
      section.RolePolicies[roleName] = await memo(`iam:role:${roleName}`, (runner) => rolePolicies(runner, client, m, roleName))
    }),
  )

  const policyArns = uniq(Object.values(section.RolePolicies).flatMap((role) => role.AttachedPolicies.map((p) => p.PolicyArn)))
  await Promise.all(
    policyArns.map(async (policyArn) => {
      const got = await memo(`iam:policy:${policyArn}`, async (runner) => {
        const policy = await get(runner, 'iam:GetPolicy', policyArn, () => client.send(new m.GetPolicyCommand({PolicyArn: policyArn})))
        const p = policy.out?.Policy
        if (!p?.DefaultVersionId) return {notFound: policy.notFound}
        const version = await runner.call('iam:GetPolicyVersion', policyArn, () => client.send(new m.GetPolicyVersionCommand({PolicyArn: policyArn, VersionId: p.DefaultVersionId})))
        const document = version && readDocument(runner, 'iam:GetPolicyVersion', policyArn, version.PolicyVersion?.Document)
        return {notFound: policy.notFound, ...(document ? {managed: {Policy: toJson(p), Document: document}} : {})}
      })
      if (got.notFound) section.NotFound.push(policyArn)
      if (got.managed) section.ManagedPolicies[policyArn] = got.managed
    }),
  )
  return section
}

/** A role's attached policies and its inline policies with their documents. */
async function rolePolicies(r: CallRunner, client: AwsClients['iam'], m: ReturnType<typeof iamSdk>, roleName: string): Promise<IamSection['RolePolicies'][string]> {
  const [attached, inline] = await Promise.all([
    r.paginate(
      'iam:ListAttachedRolePolicies',
      roleName,
      (Marker) => client.send(new m.ListAttachedRolePoliciesCommand({RoleName: roleName, Marker})),
      (out) => toJson(out.AttachedPolicies ?? []),
      (out) => (out.IsTruncated ? out.Marker : undefined),
    ),
    r.paginate(
      'iam:ListRolePolicies',
      roleName,
      (Marker) => client.send(new m.ListRolePoliciesCommand({RoleName: roleName, Marker})),
      (out) => out.PolicyNames,
      (out) => (out.IsTruncated ? out.Marker : undefined),
    ),
  ])
  const inlinePolicies = await Promise.all(
    inline.map(async (name): Promise<InlinePolicy | undefined> => {
      const out = await r.call('iam:GetRolePolicy', `${roleName}/${name}`, () => client.send(new m.GetRolePolicyCommand({RoleName: roleName, PolicyName: name})))
      const document = out && readDocument(r, 'iam:GetRolePolicy', `${roleName}/${name}`, out.PolicyDocument)
      return document && {PolicyName: name, PolicyDocument: document}
    }),
  )
  return {AttachedPolicies: attached, InlinePolicies: inlinePolicies.filter((p): p is InlinePolicy => p !== undefined)}
}

/**
 * Only running instances are asked about: SSM does not report stopped or terminated nodes, and an id SSM does
 * not know can fail a whole batch.
 */
async function collectInstanceInformation(r: CallRunner, clients: AwsClients, instances: Jsonify<Instance>[]): Promise<SsmSection> {
  const ids = uniq(instances.filter((i) => i.State?.Name === 'running').map((i) => i.InstanceId))
  const section: SsmSection = {InstanceInformationList: [], RequestedInstanceIds: ids}
  if (ids.length === 0) return section
  const m = ssmSdk()
  const client = clients.ssm
  const results = await Promise.all(
    chunk(ids, INSTANCE_INFO_BATCH).map((batch) =>
      r.paginate(
        'ssm:DescribeInstanceInformation',
        undefined,
        (NextToken) => client.send(new m.DescribeInstanceInformationCommand({Filters: [{Key: 'InstanceIds', Values: batch}], MaxResults: 50, NextToken})),
        (out) => toJson(out.InstanceInformationList ?? []),
        (out) => out.NextToken,
      ),
    ),
  )
  section.InstanceInformationList = results.flat()
  return section
}
