/**
 * The run's workflow: a Distributed Map over the execution input's `targets`, one Lambda run per account-region,
 * then one merge run over their results. A target whose run fails (a timeout, a crash) becomes a `failed` item
 * rather than failing the run: the merged report names it and the other targets still publish.
 */
import type {Duration} from 'aws-cdk-lib'
import type * as lambda from 'aws-cdk-lib/aws-lambda'
import type * as logs from 'aws-cdk-lib/aws-logs'
import * as sfn from 'aws-cdk-lib/aws-stepfunctions'
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks'
import {Construct} from 'constructs'

export interface WatchdogWorkflowProps {
  fn: lambda.IFunction
  maxConcurrency: number
  /** Bound on a whole run. */
  timeout: Duration
  logGroup: logs.ILogGroup
}

export class WatchdogWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine
  readonly scanEach: sfn.DistributedMap

  constructor(scope: Construct, id: string, props: WatchdogWorkflowProps) {
    super(scope, id)
    // The execution's name is the run's id: every object of the run sits under runs/<name>/.
    const prepare = new sfn.Pass(this, 'StartRun', {
      parameters: {'runId.$': '$$.Execution.Name', 'targets.$': '$.targets'},
    })
    this.scanEach = new sfn.DistributedMap(this, 'ScanEachTarget', {
      itemsPath: '$.targets',
      itemSelector: {kind: 'scan', 'runId.$': '$.runId', 'target.$': '$$.Map.Item.Value'},
      maxConcurrency: props.maxConcurrency,
      // Each item catches its own failure (below); none should fail the run.
      toleratedFailurePercentage: 100,
      resultPath: '$.parts',
    })
    const scan = new tasks.LambdaInvoke(this, 'ScanTarget', {lambdaFunction: props.fn, payloadResponseOnly: true, retryOnServiceExceptions: true})
    const failed = new sfn.Pass(this, 'TargetFailed', {parameters: {kind: 'failed', 'target.$': '$.target', 'error.$': '$.error.Cause'}})
    scan.addCatch(failed, {errors: ['States.ALL'], resultPath: '$.error'})
    this.scanEach.itemProcessor(scan)
    const merge = new tasks.LambdaInvoke(this, 'MergeAndPublish', {
      lambdaFunction: props.fn,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
      payload: sfn.TaskInput.fromObject({kind: 'merge', runId: sfn.JsonPath.stringAt('$.runId'), parts: sfn.JsonPath.listAt('$.parts')}),
    })
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(prepare.next(this.scanEach).next(merge)),
      timeout: props.timeout,
      tracingEnabled: true,
      logs: {destination: props.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false},
    })
  }
}
