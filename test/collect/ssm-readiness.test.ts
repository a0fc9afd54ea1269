import {beforeEach, describe, expect, it} from 'vitest'
import {mockClient} from 'aws-sdk-client-mock'
import {
  GetInstanceProfileCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam'
import {DescribeInstanceInformationCommand, SSMClient} from '@aws-sdk/client-ssm'
import type {Instance, InstanceStateName} from '@aws-sdk/client-ec2'
import {AwsClients} from '../../src/lib/aws.js'
import type {Jsonify} from '../../src/snapshot/types.js'
import {collectSsmReadiness, decodePolicyDocument, profileNameFromArn} from '../../src/collect/ssm-readiness.js'
import {RegionCache} from '../../src/collect/region-cache.js'
import {CallRunner} from '../../src/collect/runner.js'
import {SSM_CORE_ARN, SSM_CORE_DOCUMENT} from '../fixtures/ssm.js'

const iam = mockClient(IAMClient)
const ssm = mockClient(SSMClient)
const clients = () => AwsClients.from({iam: new IAMClient({region: 'us-east-1'}), ssm: new SSMClient({region: 'us-east-1'})})

const PROFILE_A = 'arn:aws:iam::123456789012:instance-profile/web/web-profile'
const PROFILE_B = 'arn:aws:iam::123456789012:instance-profile/batch-profile'
const CUSTOM = 'arn:aws:iam::123456789012:policy/custom'

const instance = (n: number, profile?: string, state: InstanceStateName = 'running'): Jsonify<Instance> => ({
  InstanceId: `i-${String(n).padStart(17, '0')}`,
  State: {Name: state},
  ...(profile ? {IamInstanceProfile: {Arn: profile}} : {}),
})

const awsError = (name: string, status: number, message = name) => Object.assign(new Error(message), {name, $metadata: {httpStatusCode: status}})

/** DescribeInstanceInformation as SSM answers it: only the ids of the InstanceIds filter; another key fails. */
const knownToSsm = (all: {InstanceId?: string; PingStatus: 'Online'}[]) => (input: {Filters?: {Key?: string; Values?: string[]}[]}) => {
  let out = all
  for (const f of input.Filters ?? []) {
    if (f.Key !== 'InstanceIds') throw awsError('InvalidFilterKey', 400, `The filter key ${f.Key} is not valid`)
    out = out.filter((i) => (f.Values ?? []).includes(i.InstanceId ?? ''))
  }
  return {InstanceInformationList: out}
}

function mockHealthyIam() {
  iam.on(GetInstanceProfileCommand, {InstanceProfileName: 'web-profile'}).resolves({
    InstanceProfile: {
      InstanceProfileName: 'web-profile',
      InstanceProfileId: 'AIPA1',
      Arn: PROFILE_A,
      Path: '/web/',
      CreateDate: new Date('2026-11-01T00:00:00Z'),
      Roles: [{RoleName: 'web-role', RoleId: 'AROA1', Arn: 'arn:aws:iam::123456789012:role/web-role', Path: '/', CreateDate: new Date('2026-11-01T00:00:00Z')}],
    },
  })
  iam.on(GetInstanceProfileCommand, {InstanceProfileName: 'batch-profile'}).resolves({
    InstanceProfile: {
      InstanceProfileName: 'batch-profile',
      InstanceProfileId: 'AIPA2',
      Arn: PROFILE_B,
      Path: '/',
      CreateDate: new Date('2026-11-01T00:00:00Z'),
      Roles: [{RoleName: 'web-role', RoleId: 'AROA1', Arn: 'arn:aws:iam::123456789012:role/web-role', Path: '/', CreateDate: new Date('2026-11-01T00:00:00Z')}],
    },
  })
  iam
    .on(ListAttachedRolePoliciesCommand, {RoleName: 'web-role', Marker: undefined})
    .resolves({AttachedPolicies: [{PolicyName: 'AmazonSSMManagedInstanceCore', PolicyArn: SSM_CORE_ARN}], IsTruncated: true, Marker: 'page2'})
  iam.on(ListAttachedRolePoliciesCommand, {RoleName: 'web-role', Marker: 'page2'}).resolves({AttachedPolicies: [{PolicyName: 'custom', PolicyArn: CUSTOM}], IsTruncated: false})
  iam.on(ListRolePoliciesCommand).resolves({PolicyNames: ['extra'], IsTruncated: false})
  iam.on(GetRolePolicyCommand).resolves({
    RoleName: 'web-role',
    PolicyName: 'extra',
    PolicyDocument: encodeURIComponent(JSON.stringify({Version: '2012-10-17', Statement: {Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*'}})),
  })
  iam.on(GetPolicyCommand, {PolicyArn: SSM_CORE_ARN}).resolves({Policy: {PolicyName: 'AmazonSSMManagedInstanceCore', Arn: SSM_CORE_ARN, DefaultVersionId: 'v2'}})
  iam.on(GetPolicyCommand, {PolicyArn: CUSTOM}).resolves({Policy: {PolicyName: 'custom', Arn: CUSTOM, DefaultVersionId: 'v7'}})
  iam.on(GetPolicyVersionCommand, {PolicyArn: SSM_CORE_ARN}).resolves({PolicyVersion: {VersionId: 'v2', IsDefaultVersion: true, Document: encodeURIComponent(JSON.stringify(SSM_CORE_DOCUMENT))}})
  iam.on(GetPolicyVersionCommand, {PolicyArn: CUSTOM}).resolves({PolicyVersion: {VersionId: 'v7', IsDefaultVersion: true, Document: '%7B%22Statement%22%3A%5B%5D%7D'}})
}

beforeEach(() => {
  iam.reset()
  ssm.reset()
})

describe('collectSsmReadiness: IAM', () => {
  it('records an inline policy that is not JSON (moto answers CloudFormation-made ones as Python text) as could not check, and keeps the rest', async () => {
    mockHealthyIam()
    iam.on(GetRolePolicyCommand).resolves({RoleName: 'web-role', PolicyName: 'extra', PolicyDocument: "{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow'}]}"})
    ssm.on(DescribeInstanceInformationCommand).resolves({InstanceInformationList: []})
    const out = await collectSsmReadiness({clients: clients(), instances: [instance(1, PROFILE_A)]})
    expect(out.errors).toEqual([
      {
        api: 'iam:GetRolePolicy',
        resource: 'web-role/extra',
        code: 'UnreadablePolicyDocument',
        message: expect.stringMatching(/^iam:GetRolePolicy answered a policy document that is not a JSON policy/),
        accessDenied: false,
      },
    ])
    expect(out.iam.RolePolicies['web-role'].InlinePolicies).toEqual([])
    expect(Object.keys(out.iam.ManagedPolicies).sort()).toEqual([CUSTOM, SSM_CORE_ARN].sort())
  })


  it('reads each distinct profile, role and managed policy once, and decodes the documents', async () => {
    mockHealthyIam()
    ssm.on(DescribeInstanceInformationCommand).resolves({InstanceInformationList: []})
    const instances = [instance(1, PROFILE_A), instance(2, PROFILE_A), instance(3, PROFILE_A), instance(4, PROFILE_B), instance(5)]
    const out = await collectSsmReadiness({clients: clients(), instances})

    expect(out.errors).toEqual([])
    expect(iam.commandCalls(GetInstanceProfileCommand).map((c) => c.args[0].input.InstanceProfileName).sort()).toEqual(['batch-profile', 'web-profile'])
    // Both profiles hold web-role: its policies are listed once (two pages of attached policies).
    expect(iam.commandCalls(ListAttachedRolePoliciesCommand)).toHaveLength(2)
    expect(iam.commandCalls(ListRolePoliciesCommand)).toHaveLength(1)
    expect(iam.commandCalls(GetRolePolicyCommand)).toHaveLength(1)
    expect(iam.commandCalls(GetPolicyCommand)).toHaveLength(2)
    expect(iam.commandCalls(GetPolicyVersionCommand).map((c) => c.args[0].input)).toEqual(
      expect.arrayContaining([{PolicyArn: SSM_CORE_ARN, VersionId: 'v2'}, {PolicyArn: CUSTOM, VersionId: 'v7'}]),
    )

    expect(Object.keys(out.iam.InstanceProfiles).sort()).toEqual([PROFILE_B, PROFILE_A])
    expect(out.iam.InstanceProfiles[PROFILE_A].CreateDate).toBe('2026-11-01T00:00:00.000Z')
    expect(out.iam.RolePolicies['web-role'].AttachedPolicies.map((p) => p.PolicyArn)).toEqual([SSM_CORE_ARN, CUSTOM])
    expect(out.iam.RolePolicies['web-role'].InlinePolicies).toEqual([
      {PolicyName: 'extra', PolicyDocument: {Version: '2012-10-17', Statement: {Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*'}}},
    ])
    expect(out.iam.ManagedPolicies[SSM_CORE_ARN].Document).toEqual(SSM_CORE_DOCUMENT)
    expect(out.iam.ManagedPolicies[CUSTOM]).toEqual({Policy: {PolicyName: 'custom', Arn: CUSTOM, DefaultVersionId: 'v7'}, Document: {Statement: []}})
  })

  it('records AccessDenied with the IAM action and carries on', async () => {
    iam.on(GetInstanceProfileCommand).rejects(awsError('AccessDenied', 403, 'User is not authorized to perform: iam:GetInstanceProfile'))
    ssm.on(DescribeInstanceInformationCommand).callsFake(knownToSsm([{InstanceId: instance(1).InstanceId, PingStatus: 'Online'}, {InstanceId: instance(9).InstanceId, PingStatus: 'Online'}]))
    const out = await collectSsmReadiness({clients: clients(), instances: [instance(1, PROFILE_A)]})
    expect(out.errors).toEqual([
      {api: 'iam:GetInstanceProfile', resource: PROFILE_A, code: 'AccessDenied', message: 'User is not authorized to perform: iam:GetInstanceProfile', accessDenied: true},
    ])
    expect(out.ssm.InstanceInformationList).toHaveLength(1)
  })

  it('records a profile IAM does not know as NotFound, not as a failed call', async () => {
    iam.on(GetInstanceProfileCommand).rejects(awsError('NoSuchEntityException', 404))
    ssm.on(DescribeInstanceInformationCommand).resolves({})
    const out = await collectSsmReadiness({clients: clients(), instances: [instance(1, PROFILE_A)]})
    expect(out.errors).toEqual([])
    expect(out.iam.NotFound).toEqual([PROFILE_A])
  })

  it('records a failed role listing and a failed inline read under their own actions', async () => {
    mockHealthyIam()
    iam.on(ListAttachedRolePoliciesCommand).rejects(awsError('AccessDenied', 403))
    iam.on(GetRolePolicyCommand).rejects(awsError('Throttling', 400))
    ssm.on(DescribeInstanceInformationCommand).resolves({})
    const out = await collectSsmReadiness({clients: clients(), instances: [instance(1, PROFILE_A)]})
    expect(out.errors.map((e) => [e.api, e.resource, e.accessDenied])).toEqual(
      expect.arrayContaining([
        ['iam:ListAttachedRolePolicies', 'web-role', true],
        ['iam:GetRolePolicy', 'web-role/extra', false],
      ]),
    )
  })
})

describe('collectSsmReadiness: DescribeInstanceInformation', () => {
  it('asks about running instances in batches of 50 and follows NextToken', async () => {
    const running = Array.from({length: 120}, (_, n) => instance(n))
    const stopped = instance(999, undefined, 'stopped')
    ssm.on(DescribeInstanceInformationCommand).callsFake((input: {Filters: {Values: string[]}[]; NextToken?: string}) => {
      const ids = input.Filters[0].Values
      // The first batch answers in two pages.
      if (ids[0] === running[0].InstanceId && !input.NextToken) {
        return Promise.resolve({InstanceInformationList: ids.slice(0, 25).map((InstanceId) => ({InstanceId, PingStatus: 'Online', LastPingDateTime: new Date('2026-11-20T14:00:00Z')})), NextToken: 't2'})
      }
      const rest = input.NextToken ? ids.slice(25) : ids
      return Promise.resolve({InstanceInformationList: rest.map((InstanceId) => ({InstanceId, PingStatus: 'Online'}))})
    })
    const out = await collectSsmReadiness({clients: clients(), instances: [...running, stopped]})
    const calls = ssm.commandCalls(DescribeInstanceInformationCommand).map((c) => c.args[0].input)
    expect(calls).toHaveLength(4)
    expect(calls.map((c) => [c.Filters![0].Key, c.Filters![0].Values!.length, c.MaxResults, c.NextToken])).toEqual(
      expect.arrayContaining([
        ['InstanceIds', 50, 50, undefined],
        ['InstanceIds', 50, 50, 't2'],
        ['InstanceIds', 50, 50, undefined],
        ['InstanceIds', 20, 50, undefined],
      ]),
    )
    expect(calls.flatMap((c) => c.Filters![0].Values)).not.toContain(stopped.InstanceId)
    expect(out.ssm.InstanceInformationList).toHaveLength(120)
    expect(out.ssm.InstanceInformationList[0].LastPingDateTime).toBe('2026-11-20T14:00:00.000Z')
    expect(out.ssm.RequestedInstanceIds).toHaveLength(120)
    expect(out.errors).toEqual([])
  })

  it('records an HTTP 500 (as moto answers) as a collection error instead of throwing', async () => {
    ssm.on(DescribeInstanceInformationCommand).rejects(awsError('InternalFailure', 500, 'The action DescribeInstanceInformation is not implemented'))
    const out = await collectSsmReadiness({clients: clients(), instances: [instance(1), instance(2)]})
    expect(out.errors).toEqual([
      {api: 'ssm:DescribeInstanceInformation', code: 'InternalFailure', message: 'The action DescribeInstanceInformation is not implemented', accessDenied: false},
    ])
    expect(out.ssm).toEqual({InstanceInformationList: [], RequestedInstanceIds: [instance(1).InstanceId, instance(2).InstanceId]})
    expect(out.iam).toEqual({InstanceProfiles: {}, RolePolicies: {}, ManagedPolicies: {}, NotFound: []})
  })

  it('names an unparseable HTTP 500 (moto\'s HTML page) by its status, not as a SyntaxError', async () => {
    ssm.on(DescribeInstanceInformationCommand).rejects(awsError('SyntaxError', 500, 'Unexpected token \'<\', "<!doctype "... is not valid JSON'))
    const out = await collectSsmReadiness({clients: clients(), instances: [instance(1)]})
    expect(out.errors).toEqual([
      {
        api: 'ssm:DescribeInstanceInformation',
        code: 'HTTP500',
        message: 'ssm:DescribeInstanceInformation answered HTTP 500 with a body that is not an AWS response (an emulator that does not implement it?)',
        accessDenied: false,
      },
    ])
  })

  it('makes no SSM call when no instance is running', async () => {
    const out = await collectSsmReadiness({clients: clients(), instances: [instance(1, undefined, 'stopped')]})
    expect(ssm.commandCalls(DescribeInstanceInformationCommand)).toHaveLength(0)
    expect(out.ssm.RequestedInstanceIds).toEqual([])
  })
})

describe('helpers', () => {
  it('takes the profile name from the last path segment of its ARN', () => {
    expect(profileNameFromArn(PROFILE_A)).toBe('web-profile')
    expect(profileNameFromArn(PROFILE_B)).toBe('batch-profile')
  })

  it('decodes URL-encoded documents and accepts plain JSON', () => {
    expect(decodePolicyDocument('%7B%22Version%22%3A%222012-10-17%22%7D')).toEqual({Version: '2012-10-17'})
    expect(decodePolicyDocument('{"Sid":"100%"}')).toEqual({Sid: '100%'})
  })

  // The pool the readiness calls go through is the collect layer's CallRunner.
  it('never runs more tasks at once than its bound', async () => {
    const runner = new CallRunner(3)
    let active = 0
    let peak = 0
    await Promise.all(
      Array.from({length: 20}, () =>
        runner.call('x:Op', undefined, async () => {
          peak = Math.max(peak, ++active)
          await new Promise((r) => setTimeout(r, 2))
          active--
        }),
      ),
    )
    expect(peak).toBe(3)
  })
})

describe('collectSsmReadiness: through a CallRunner', () => {
  it('counts every call per API in the runner it is given, and logs each call', async () => {
    mockHealthyIam()
    iam.on(GetRolePolicyCommand).rejects(awsError('Throttling', 400, 'Rate exceeded'))
    ssm.on(DescribeInstanceInformationCommand).resolves({InstanceInformationList: []})
    const lines: string[] = []
    const log = (line: string) => void lines.push(line)
    const runner = new CallRunner(8, log)
    const out = await collectSsmReadiness({clients: clients(), instances: [instance(1, PROFILE_A), instance(2, PROFILE_B)], log, runner})
    expect(runner.stats(0)).toEqual({
      calls: 11,
      perApi: {
        'iam:GetInstanceProfile': 2,
        'iam:GetPolicy': 2,
        'iam:GetPolicyVersion': 2,
        'iam:GetRolePolicy': 1,
        'iam:ListAttachedRolePolicies': 2,
        'iam:ListRolePolicies': 1,
        'ssm:DescribeInstanceInformation': 1,
      },
      failed: 1,
      wallMs: 0,
    })
    expect(out.errors).toEqual([{api: 'iam:GetRolePolicy', resource: 'web-role/extra', code: 'Throttling', message: 'Rate exceeded', accessDenied: false}])
    expect(runner.errors).toEqual(out.errors)
    expect(lines.filter((l) => l.startsWith('iam:GetInstanceProfile '))).toHaveLength(2)
    expect(lines.at(-1)).toMatch(/^ssm readiness: 2 instance profile\(s\), 1 role\(s\), 2 managed policy\(ies\), 0 of 2 instance\(s\) registered with SSM$/)
  })

  it('returns only its own failures from a runner that already holds others, and does not count NotFound as failed', async () => {
    const runner = new CallRunner()
    await runner.call('ec2:DescribeInstances', undefined, () => Promise.reject(awsError('Throttling', 400)))
    iam.on(GetInstanceProfileCommand).rejects(awsError('NoSuchEntity', 404))
    ssm.on(DescribeInstanceInformationCommand).resolves({})
    const out = await collectSsmReadiness({clients: clients(), instances: [instance(1, PROFILE_A)], runner})
    expect(out.errors).toEqual([])
    expect(out.iam.NotFound).toEqual([PROFILE_A])
    expect(runner.stats(0).failed).toBe(1)
    expect(runner.errors.map((e) => e.api)).toEqual(['ec2:DescribeInstances'])
  })
})

describe('collectSsmReadiness with a region cache', () => {
  it('reads each profile, role and policy once for every collection, each result the same as without the cache', async () => {
    mockHealthyIam()
    iam.on(GetInstanceProfileCommand, {InstanceProfileName: 'gone-profile'}).rejects(awsError('NoSuchEntity', 404))
    ssm.on(DescribeInstanceInformationCommand).resolves({InstanceInformationList: []})
    const gone = 'arn:aws:iam::123456789012:instance-profile/gone-profile'
    const fleets = [[instance(1, PROFILE_A), instance(2, gone)], [instance(3, PROFILE_A), instance(4, PROFILE_B), instance(5, gone)]]
    const alone = []
    for (const instances of fleets) alone.push(await collectSsmReadiness({clients: clients(), instances}))
    iam.resetHistory()

    const cache = new RegionCache()
    const shared = await Promise.all(fleets.map((instances) => collectSsmReadiness({clients: clients(), instances, cache})))
    expect(shared).toEqual(alone)
    expect(shared[1].iam.NotFound).toEqual([gone])
    expect(iam.commandCalls(GetInstanceProfileCommand)).toHaveLength(3)
    // The role's two pages of attached policies, once.
    expect(iam.commandCalls(ListAttachedRolePoliciesCommand)).toHaveLength(2)
    expect(iam.commandCalls(GetPolicyVersionCommand)).toHaveLength(2)
  })
})
