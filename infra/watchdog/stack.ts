/**
 * The watchdog: `asg-doctor scan` on a schedule, on AWS's own engines, in the user's account. EventBridge
 * Scheduler starts a Step Functions run every few minutes; its Distributed Map runs the Lambda once per
 * account-region (assuming the member accounts' read-only role, infra/watchdog/member-role.ts), and a last Lambda
 * run merges the results and publishes them: CloudWatch metrics, EventBridge events, an SNS notification, and the
 * reports and snapshots in an S3 bucket.
 *
 * The Lambda's role holds exactly `asg-doctor policy --for diagnose-no-ssm`, plus the publishing actions scoped to
 * this stack's resources and sts:AssumeRole on the member role's name. The code is an asset (the bundled CLI), so
 * the account must be bootstrapped for CDK.
 */
import {App, Aws, CfnOutput, Duration, RemovalPolicy, Stack} from 'aws-cdk-lib'
import type {CfnResource} from 'aws-cdk-lib'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as kms from 'aws-cdk-lib/aws-kms'
import * as lambda from 'aws-cdk-lib/aws-lambda'
import * as logs from 'aws-cdk-lib/aws-logs'
import * as s3 from 'aws-cdk-lib/aws-s3'
import * as scheduler from 'aws-cdk-lib/aws-scheduler'
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets'
import * as sns from 'aws-cdk-lib/aws-sns'
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions'
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions'
import type {Construct} from 'constructs'
import {policyDocument} from '../../src/lib/permissions.js'
import {ENV} from '../../src/watchdog/config.js'
import {acknowledge} from '../nag.js'
import {LAMBDA_HANDLER, lambdaAssetDir} from './bundle.js'
import {scannerRoleName} from './member-role.js'
import {resolveWatchdogProps} from './props.js'
import type {WatchdogProps} from './props.js'
import {WatchdogWorkflow} from './state-machine.js'

/**
 * Node.js 24 on arm64 (Graviton: ~20% cheaper per GB-second). nodejs20.x was deprecated on 2026-04-30 and stops
 * taking new functions on 2027-02-01, nodejs22.x follows Node 22's end of life in April 2027: a watchdog deployed
 * now must not need a redeploy within months. The bundle targets node20 syntax, so it runs on both.
 */
export const WATCHDOG_RUNTIME = lambda.Runtime.NODEJS_24_X

export class WatchdogStack extends Stack {
  readonly bucket: s3.Bucket
  readonly topic: sns.Topic
  readonly fn: lambda.Function
  readonly role: iam.Role
  readonly workflow: WatchdogWorkflow
  readonly schedule: scheduler.Schedule

  constructor(scope: Construct, props: WatchdogProps, assetDir = lambdaAssetDir()) {
    super(scope, props.stackName, {
      stackName: props.stackName,
      description: `asg-doctor watchdog: diagnoses the load balancers of ${props.targets.length || 1} account-region(s) every ${props.rateMinutes} min`,
      analyticsReporting: false,
    })

    this.bucket = new s3.Bucket(this, 'Reports', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // An object not rewritten for the retention period goes: past runs, and snapshots of ALBs that are gone.
      lifecycleRules: [{id: 'expire-old-reports', expiration: Duration.days(props.retentionDays), abortIncompleteMultipartUploadAfter: Duration.days(1)}],
      // The reports outlive the stack: `destroy --watchdog` leaves the bucket, and says so.
      removalPolicy: RemovalPolicy.RETAIN,
    })

    this.topic = new sns.Topic(this, 'Notifications', {
      displayName: 'asg-doctor watchdog',
      enforceSSL: true,
      masterKey: kms.Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
    })
    if (props.alertEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alertEmail))

    const fnLogs = new logs.LogGroup(this, 'FunctionLogs', {retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY})
    this.role = new iam.Role(this, 'ScannerRole', {
      roleName: scannerRoleName(props.stackName),
      description: 'asg-doctor watchdog: reads the load balancers (diagnose-no-ssm) and publishes what it finds',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        DiagnoseNoSsm: iam.PolicyDocument.fromJson(policyDocument('diagnose-no-ssm')),
        Publish: new iam.PolicyDocument({statements: this.publishStatements(props, fnLogs)}),
      },
    })

    this.fn = new lambda.Function(this, 'Scanner', {
      description: 'asg-doctor watchdog: scans one account-region, or merges and publishes a run',
      runtime: WATCHDOG_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      handler: LAMBDA_HANDLER,
      code: lambda.Code.fromAsset(assetDir),
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      role: this.role,
      logGroup: fnLogs,
      environment: {
        [ENV.bucket]: this.bucket.bucketName,
        [ENV.topicArn]: this.topic.topicArn,
        [ENV.eventBusName]: 'default',
        [ENV.namespace]: props.namespace,
        [ENV.notifyOn]: props.notifyOn,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    })

    const sfnLogs = new logs.LogGroup(this, 'WorkflowLogs', {retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY})
    this.workflow = new WatchdogWorkflow(this, 'Workflow', {
      fn: this.fn,
      maxConcurrency: props.maxConcurrency,
      timeout: Duration.seconds(Math.max(props.timeoutSeconds * 4, 3600)),
      logGroup: sfnLogs,
    })

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `asg-doctor watchdog: every ${props.rateMinutes} min`,
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(props.rateMinutes)),
      target: new schedulerTargets.StepFunctionsStartExecution(this.workflow.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({targets: this.targets(props)}),
        retryAttempts: 2,
      }),
    })

    const outputs: Record<string, [string, string]> = {
      BucketName: [this.bucket.bucketName, 'Bucket of the reports and snapshots (latest/report.json, snapshots/...)'],
      TopicArn: [this.topic.topicArn, 'SNS topic of the notifications'],
      StateMachineArn: [this.workflow.stateMachine.stateMachineArn, 'The state machine a run goes through'],
      ScannerRoleArn: [this.role.roleArn, 'The role member accounts trust (WatchdogRoleName in the StackSet template)'],
      MemberRoleName: [props.memberRoleName, 'The read-only role assumed in member accounts'],
    }
    for (const [id, [value, description]] of Object.entries(outputs)) new CfnOutput(this, id, {value, description})

    this.acknowledgeFindings(props)
    // CDK also makes each resource depend on the role it already references by GetAtt: redundant (cfn-lint W3005).
    // The state machine keeps its wait for the role's policy, which it does not reference.
    const cfn = (c: Construct) => c.node.defaultChild as CfnResource
    cfn(this.fn).addDeletionOverride('DependsOn')
    const smPolicy = this.workflow.stateMachine.role.node.tryFindChild('DefaultPolicy')?.node.defaultChild as CfnResource
    cfn(this.workflow.stateMachine).addOverride('DependsOn', [smPolicy.logicalId])
  }

  /** The execution input: each target with the member role to assume, or the stack's own region and account. */
  private targets(props: WatchdogProps): {region: string; account?: string; roleArn?: string}[] {
    if (props.targets.length === 0) return [{region: Aws.REGION}]
    return props.targets.map((t) => (t.account ? {region: t.region, account: t.account, roleArn: `arn:${Aws.PARTITION}:iam::${t.account}:role/${props.memberRoleName}`} : {region: t.region}))
  }

  /** Publishing, scoped to this stack's resources; and the member role, by name, in any account. */
  private publishStatements(props: WatchdogProps, fnLogs: logs.LogGroup): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({sid: 'ReportsAndSnapshots', actions: ['s3:PutObject', 's3:GetObject'], resources: [this.bucket.arnForObjects('*')]}),
      // Without ListBucket a missing previous report answers AccessDenied instead of NoSuchKey.
      new iam.PolicyStatement({sid: 'FindPreviousReport', actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn]}),
      new iam.PolicyStatement({sid: 'Metrics', actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: {StringEquals: {'cloudwatch:namespace': props.namespace}}}),
      new iam.PolicyStatement({sid: 'RootCauseEvents', actions: ['events:PutEvents'], resources: [`arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:event-bus/default`]}),
      new iam.PolicyStatement({sid: 'Notify', actions: ['sns:Publish'], resources: [this.topic.topicArn]}),
      new iam.PolicyStatement({sid: 'AssumeMemberRole', actions: ['sts:AssumeRole'], resources: [`arn:${Aws.PARTITION}:iam::*:role/${props.memberRoleName}`]}),
      new iam.PolicyStatement({sid: 'OwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [fnLogs.logGroupArn]}),
    ]
  }

  private acknowledgeFindings(props: WatchdogProps): void {
    const iam5 = (resource: string) => `AwsSolutions-IAM5[Resource::${resource}]`
    const bucketId = this.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)
    const fnId = this.getLogicalId(this.fn.node.defaultChild as lambda.CfnFunction)
    const smId = this.getLogicalId(this.workflow.stateMachine.node.defaultChild as sfn.CfnStateMachine)
    acknowledge(this.role, [
      {id: iam5('*'), reason: 'The diagnose-no-ssm statements are Describe/Get/List reads over every load balancer, network and instance of the account, which IAM cannot scope by resource (the same policy as asg-doctor policy --for diagnose-no-ssm); PutMetricData has no resource type and is bound to the watchdog namespace by condition.'},
      {id: iam5(`<${bucketId}.Arn>/*`), reason: 'Objects of the stack\'s own report bucket only: the run\'s keys (runs/<execution>/..., snapshots/<account>/<region>/<alb>.json) are made at run time.'},
      {id: iam5(`arn:<AWS::Partition>:iam::*:role/${props.memberRoleName}`), reason: 'The member accounts\' read-only role, by its one name, in whichever accounts the StackSet deploys it to; each role trusts only this scanner role by ARN.'},
    ])
    acknowledge(this.bucket, [
      {id: 'AwsSolutions-S1', reason: 'The bucket holds only the watchdog\'s own reports, written by one role; server access logs would need a second bucket that itself needs logs, and CloudTrail data events cover audits where required.'},
    ])
    const execution = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${smId}"}]}]}`
    acknowledge(this.workflow.stateMachine, [
      {id: iam5('*'), reason: 'X-Ray tracing (PutTraceSegments, PutTelemetryRecords) and CloudWatch Logs delivery (CreateLogDelivery and friends) have no resource-level permissions; CDK grants them on * for a traced, logged state machine.'},
      {id: iam5(`<${fnId}.Arn>:*`), reason: 'lambda:InvokeFunction on the scanner function\'s own versions and aliases, as CDK grants it to the LambdaInvoke tasks.'},
      {id: iam5(`${execution}:*`), reason: 'The Distributed Map starts and reads child executions of this state machine only; their names are made at run time.'},
      {id: iam5(`${execution}/*:*`), reason: 'The Distributed Map\'s map runs of this state machine only; their ids are made at run time.'},
    ])
  }
}

export function buildWatchdogStack(partial: Partial<WatchdogProps> = {}, outdir?: string, assetDir?: string): {app: App; stack: WatchdogStack} {
  const props = resolveWatchdogProps(partial)
  const app = new App({...(outdir ? {outdir} : {}), analyticsReporting: false})
  return {app, stack: new WatchdogStack(app, props, assetDir)}
}
