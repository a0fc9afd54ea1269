/**
 * The watchdog stack, by aws-cdk-lib/assertions: its resources, the scanner role's exact actions, the bucket's
 * encryption and lifecycle, the Distributed Map, the schedule; then cdk-nag and cfn-lint over it, and the
 * member accounts' StackSet template against the policy it is generated from.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {Validations} from 'aws-cdk-lib'
import * as iam from 'aws-cdk-lib/aws-iam'
import {Match, Template} from 'aws-cdk-lib/assertions'
import {AwsSolutionsChecks} from 'cdk-nag'
import type {IConstruct} from 'constructs'
import {buildWatchdogStack} from '../../infra/watchdog/stack.js'
import {memberRoleTemplate} from '../../infra/watchdog/member-role.js'
import {resolveWatchdogProps} from '../../infra/watchdog/props.js'
import {policyDocument} from '../../src/lib/permissions.js'
import {SYNTH_TIMEOUT, ofType} from './helpers.js'

const MULTI = {alertEmail: 'ops@example.com', targets: [{region: 'eu-west-1', account: '111122223333'}, {region: 'us-east-1'}], rateMinutes: 5}

type Statement = {Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown}
type Json = Record<string, unknown>

function findings(scope: IConstruct, app: IConstruct): string[] {
  const report = new AwsSolutionsChecks(app).validateScope(scope)
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}`))
}

/** The state machine's definition with the function ARN's GetAtt put back as a placeholder, as parsed JSON. */
function definition(t: Template): Json {
  const [[, sm]] = ofType(t, 'AWS::StepFunctions::StateMachine')
  const parts = (sm.Properties?.DefinitionString as {'Fn::Join': [string, unknown[]]})['Fn::Join'][1]
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'FUNCTION_ARN')).join('')) as Json
}

describe('WatchdogStack', () => {
  let t: Template
  let single: Template
  beforeAll(() => {
    t = Template.fromStack(buildWatchdogStack(MULTI).stack)
    single = Template.fromStack(buildWatchdogStack().stack)
  }, SYNTH_TIMEOUT)

  it('has the schedule, the state machine, one function, the bucket, the topic and nothing it does not need', () => {
    const types = Object.values(t.toJSON().Resources as Record<string, {Type: string}>).map((r) => r.Type).sort()
    expect(types).toEqual([
      'AWS::IAM::Policy', 'AWS::IAM::Policy', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::Role', 'AWS::IAM::Role',
      'AWS::Lambda::Function', 'AWS::Logs::LogGroup', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket', 'AWS::S3::BucketPolicy',
      'AWS::SNS::Subscription', 'AWS::SNS::Topic', 'AWS::SNS::TopicPolicy', 'AWS::Scheduler::Schedule', 'AWS::StepFunctions::StateMachine',
    ].sort())
    single.resourceCountIs('AWS::SNS::Subscription', 0)
    t.hasResourceProperties('AWS::SNS::Subscription', {Protocol: 'email', Endpoint: 'ops@example.com'})
  })

  it('runs the bundled CLI on Node.js 24, arm64, with the stack\'s resources in its environment', () => {
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Code: {S3Bucket: Match.anyValue(), S3Key: Match.stringLikeRegexp('\\.zip$')},
      Environment: {Variables: Match.objectLike({ASG_DOCTOR_BUCKET: {Ref: Match.stringLikeRegexp('^Reports')}, ASG_DOCTOR_TOPIC_ARN: {Ref: Match.stringLikeRegexp('^Notifications')}, ASG_DOCTOR_NOTIFY_ON: 'error', ASG_DOCTOR_NAMESPACE: 'AsgDoctor'})},
    })
  })

  it('gives the scanner role exactly diagnose-no-ssm, plus publishing scoped to its own resources and the member role', () => {
    const [[, role]] = ofType(t, 'AWS::IAM::Role').filter(([, r]) => r.Properties?.RoleName === 'asg-doctor-watchdog-scanner')
    const policies = role.Properties?.Policies as {PolicyName: string; PolicyDocument: {Statement: Statement[]}}[]
    expect(policies.map((p) => p.PolicyName).sort()).toEqual(['DiagnoseNoSsm', 'Publish'])
    const read = policies.find((p) => p.PolicyName === 'DiagnoseNoSsm')!.PolicyDocument
    // CDK renders a one-action statement's Action as a string; the policy's own document always has arrays.
    const normalise = (s: Statement) => ({...s, Action: ([] as string[]).concat(s.Action)})
    expect(read.Statement.map(normalise)).toEqual(policyDocument('diagnose-no-ssm').Statement)
    const publish: Record<string, Statement & {Action: string[]}> = Object.fromEntries(policies.find((p) => p.PolicyName === 'Publish')!.PolicyDocument.Statement.map((s) => [s.Sid, normalise(s)]))
    expect(Object.fromEntries(Object.entries(publish).map(([sid, s]) => [sid, s.Action]))).toEqual({
      ReportsAndSnapshots: ['s3:PutObject', 's3:GetObject'],
      FindPreviousReport: ['s3:ListBucket'],
      Metrics: ['cloudwatch:PutMetricData'],
      RootCauseEvents: ['events:PutEvents'],
      Notify: ['sns:Publish'],
      AssumeMemberRole: ['sts:AssumeRole'],
      OwnLogs: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    })
    expect(publish.Metrics.Condition).toEqual({StringEquals: {'cloudwatch:namespace': 'AsgDoctor'}})
    expect(JSON.stringify(publish.ReportsAndSnapshots.Resource)).toMatch(/Reports[0-9A-F]+","Arn"\]\},"\/\*"/)
    expect(publish.Notify.Resource).toEqual({Ref: expect.stringMatching(/^Notifications/)})
    expect(publish.AssumeMemberRole.Resource).toEqual({'Fn::Join': ['', ['arn:', {Ref: 'AWS::Partition'}, ':iam::*:role/asg-doctor-watchdog-read']]})
    expect(publish.RootCauseEvents.Resource).toEqual({'Fn::Join': ['', ['arn:', {Ref: 'AWS::Partition'}, ':events:', {Ref: 'AWS::Region'}, ':', {Ref: 'AWS::AccountId'}, ':event-bus/default']]})
    // Nothing else: no managed policy (not even Lambda's basic execution role), no other inline policy on it.
    expect(role.Properties?.ManagedPolicyArns).toBeUndefined()
    const roleId = ofType(t, 'AWS::IAM::Role').find(([, r]) => r.Properties?.RoleName === 'asg-doctor-watchdog-scanner')![0]
    expect(ofType(t, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties?.Roles).includes(roleId))).toEqual([])
  })

  it('keeps reports in an encrypted, private, TLS-only bucket whose objects expire', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {ServerSideEncryptionConfiguration: [{ServerSideEncryptionByDefault: {SSEAlgorithm: 'AES256'}}]},
      PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true},
      LifecycleConfiguration: {Rules: [{Id: 'expire-old-reports', Status: 'Enabled', ExpirationInDays: 30, AbortIncompleteMultipartUpload: {DaysAfterInitiation: 1}}]},
    })
    t.hasResource('AWS::S3::Bucket', {DeletionPolicy: 'Retain'})
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {Statement: Match.arrayWith([Match.objectLike({Effect: 'Deny', Action: 's3:*', Condition: {Bool: {'aws:SecureTransport': 'false'}}})])},
    })
    const other = Template.fromStack(buildWatchdogStack({retentionDays: 7, stackName: 'wd7'}).stack)
    other.hasResourceProperties('AWS::S3::Bucket', {LifecycleConfiguration: {Rules: [Match.objectLike({ExpirationInDays: 7})]}})
  }, SYNTH_TIMEOUT)

  it('fans out over the targets with a Distributed Map of one Lambda run each, catching failures, then merges', () => {
    const d = definition(t) as {StartAt: string; States: Record<string, Json>}
    expect(d.StartAt).toBe('StartRun')
    expect(d.States.StartRun).toEqual({Type: 'Pass', Parameters: {'runId.$': '$$.Execution.Name', 'targets.$': '$.targets'}, Next: 'ScanEachTarget'})
    const map = d.States.ScanEachTarget as Json & {ItemProcessor: {ProcessorConfig: Json; StartAt: string; States: Record<string, Json>}}
    expect(map).toMatchObject({Type: 'Map', ItemsPath: '$.targets', ResultPath: '$.parts', MaxConcurrency: 10, ToleratedFailurePercentage: 100, Next: 'MergeAndPublish'})
    expect(map.ItemSelector).toEqual({kind: 'scan', 'runId.$': '$.runId', 'target.$': '$$.Map.Item.Value'})
    expect(map.ItemProcessor.ProcessorConfig).toEqual({Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD'})
    expect(map.ItemProcessor.StartAt).toBe('ScanTarget')
    expect(map.ItemProcessor.States.ScanTarget).toMatchObject({Type: 'Task', Resource: 'FUNCTION_ARN', End: true, Catch: [{ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'TargetFailed'}]})
    expect(map.ItemProcessor.States.TargetFailed).toEqual({Type: 'Pass', Parameters: {kind: 'failed', 'target.$': '$.target', 'error.$': '$.error.Cause'}, End: true})
    expect(d.States.MergeAndPublish).toMatchObject({Type: 'Task', Resource: 'FUNCTION_ARN', End: true, Parameters: {kind: 'merge', 'runId.$': '$.runId', 'parts.$': '$.parts'}})
    t.hasResourceProperties('AWS::StepFunctions::StateMachine', {TracingConfiguration: {Enabled: true}, LoggingConfiguration: Match.objectLike({Level: 'ALL'})})
  })

  it('starts a run on the configured rate with the targets, each member account with its read-only role', () => {
    const [[, schedule]] = ofType(t, 'AWS::Scheduler::Schedule')
    expect(schedule.Properties).toMatchObject({ScheduleExpression: 'rate(5 minutes)', State: 'ENABLED', FlexibleTimeWindow: {Mode: 'OFF'}, Target: {Arn: {Ref: expect.stringMatching(/^WorkflowStateMachine/)}}})
    const input = (schedule.Properties as {Target: {Input: {'Fn::Join': [string, unknown[]]}}}).Target.Input['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : 'aws')).join('')
    expect(JSON.parse(input)).toEqual({targets: [{region: 'eu-west-1', account: '111122223333', roleArn: 'arn:aws:iam::111122223333:role/asg-doctor-watchdog-read'}, {region: 'us-east-1'}]})
    const [[, own]] = ofType(single, 'AWS::Scheduler::Schedule')
    expect((own.Properties as {ScheduleExpression: string}).ScheduleExpression).toBe('rate(15 minutes)')
    expect(JSON.stringify((own.Properties as {Target: unknown}).Target)).toContain('{\\"targets\\":[{\\"region\\":\\"",{"Ref":"AWS::Region"}')
  })

  it('rejects options out of range with one sentence', () => {
    expect(() => resolveWatchdogProps({rateMinutes: 0})).toThrow('The rate must be a whole number of minutes from 1 to 1440, not 0.')
    expect(() => resolveWatchdogProps({targets: [{region: 'eu-west-1', account: '12345'}]})).toThrow('"12345" is not a 12-digit account id.')
    expect(() => resolveWatchdogProps({namespace: 'AWS/ApplicationELB'})).toThrow('is not a custom CloudWatch namespace')
  })
})

describe('cdk-nag and cfn-lint over the watchdog', {timeout: SYNTH_TIMEOUT}, () => {
  it('has no unacknowledged AwsSolutions finding, each acknowledgement with a reason', () => {
    for (const partial of [{}, MULTI]) {
      const {app, stack} = buildWatchdogStack(partial)
      expect(findings(stack, app), JSON.stringify(partial)).toEqual([])
      const acks = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((m) => Object.entries(m.data as Record<string, string>)))
      expect(acks.length).toBe(8)
      for (const [id, reason] of acks) expect(reason.length, id).toBeGreaterThan(60)
    }
  })

  it('still reports a wildcard grant nobody acknowledged', () => {
    const {app, stack} = buildWatchdogStack()
    stack.fn.addToRolePolicy(new iam.PolicyStatement({actions: ['s3:*'], resources: ['*']}))
    expect(findings(stack, app).some((f) => /^AwsSolutions-IAM5.* at .*ScannerRole\/DefaultPolicy/.test(f))).toBe(true)
  })

  const version = spawnSync('cfn-lint', ['--version'], {encoding: 'utf8'})
  const dir = mkdtempSync(join(tmpdir(), 'asg-doctor-watchdog-lint-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))
  const lint = (name: string, template: unknown) => {
    const file = join(dir, name)
    writeFileSync(file, JSON.stringify(template, null, 1))
    const r = spawnSync('cfn-lint', ['--format', 'parseable', file], {encoding: 'utf8', timeout: 110_000})
    return {status: r.status, output: `${r.stdout}${r.stderr}`}
  }
  it.skipIf(version.status !== 0)('passes cfn-lint: the stack, in both shapes, and the StackSet template', () => {
    expect(lint('single.json', Template.fromStack(buildWatchdogStack().stack).toJSON())).toEqual({status: 0, output: ''})
    expect(lint('multi.json', Template.fromStack(buildWatchdogStack(MULTI).stack).toJSON())).toEqual({status: 0, output: ''})
    expect(lint('member-role.json', memberRoleTemplate())).toEqual({status: 0, output: ''})
  })
})

describe('the member accounts\' StackSet template', () => {
  it('is the committed infra/watchdog/member-role.json (regenerate: asg-doctor synth --watchdog --member-role)', () => {
    const committed = readFileSync(join(import.meta.dirname, '../../infra/watchdog/member-role.json'), 'utf8')
    expect(committed).toBe(JSON.stringify(memberRoleTemplate(), null, 2) + '\n')
  })

  it('grants exactly diagnose-no-ssm and trusts only the watchdog\'s scanner role', () => {
    const role = (memberRoleTemplate().Resources as Record<string, {Properties: {Policies: {PolicyDocument: unknown}[]; AssumeRolePolicyDocument: {Statement: Statement[]}}}>).ReadRole.Properties
    expect(role.Policies.map((p) => p.PolicyDocument)).toEqual([policyDocument('diagnose-no-ssm')])
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([{
      Effect: 'Allow',
      Principal: {AWS: {'Fn::Sub': 'arn:${AWS::Partition}:iam::${WatchdogAccountId}:root'}},
      Action: 'sts:AssumeRole',
      Condition: {ArnEquals: {'aws:PrincipalArn': {'Fn::Sub': 'arn:${AWS::Partition}:iam::${WatchdogAccountId}:role/${WatchdogRoleName}'}}},
    }])
  })
})
