/**
 * What a scan adds to an ALB's snapshot on request, after the API walk: the read-only script on the instances
 * (`--ssm`) and the evidence over time (`--history`). Both go through the ALB's own runner, so a failure is
 * recorded in its snapshot and costs only the checks that need it, as in `diagnose`.
 */
import type {AwsClients} from '../lib/aws.js'
import {clientConfig} from '../lib/aws.js'
import type {CallRunner} from '../collect/runner.js'
import type {Snapshot} from '../snapshot/types.js'
import type {Pacer} from '../history/changes.js'
import type {historyClients} from '../history/sdk.js'

/** How long a scan waits, at most, for one ALB's instances to answer the script (diagnose's default). */
export const SCAN_SSM_TIMEOUT_MS = 90_000

/** Runs the read-only script on the ALB's SSM-online instances (as `diagnose --ssm-targets auto`); returns notes. */
export async function onInstanceChecks(snapshot: Snapshot, clients: AwsClients, calls: CallRunner): Promise<string[]> {
  if (snapshot.ec2.Instances.length === 0) return []
  const [{chooseSsmTargets}, {collectOnInstance}, {createCommandRunner}] = await Promise.all([
    import('../diagnose/service.js'),
    import('../collect/on-instance.js'),
    import('../ssm/run-command.js'),
  ])
  const {instanceIds, reason} = chooseSsmTargets(snapshot, 'auto')
  if (instanceIds.length === 0) return [`On-instance checks were not run: ${reason}.`]
  const result = await collectOnInstance({runner: createCommandRunner({ssm: clients.ssm, calls}), snapshot, instanceIds, timeoutMs: SCAN_SSM_TIMEOUT_MS})
  snapshot.onInstance = result.onInstance
  snapshot.errors.push(...result.errors)
  return []
}

/**
 * The history clients of one region and profile, built once and shared by its ALBs like the others, with one
 * CloudTrail pacer: LookupEvents is limited per account and region (about 2 calls a second), not per ALB.
 */
export type HistoryClients = ReturnType<typeof historyClients> & {pacer: Pacer}

export async function historyClientsFor(clients: AwsClients): Promise<HistoryClients> {
  const [{historyClients}, {Pacer}] = await Promise.all([import('../history/sdk.js'), import('../history/changes.js')])
  return {...historyClients(clientConfig(clients.options)), pacer: new Pacer()}
}

/** Collects the snapshot's `history` section for the default window ending now. */
export async function historyEvidence(snapshot: Snapshot, clients: AwsClients, history: HistoryClients, calls: CallRunner, now?: () => Date): Promise<void> {
  const [{collectHistory}, {getMetricDataSender}, {changeSenders}, {s3LogReader}] = await Promise.all([
    import('../history/collect.js'),
    import('../history/metrics.js'),
    import('../history/changes.js'),
    import('../history/s3-logs.js'),
  ])
  const before = calls.errors.length
  snapshot.history = await collectHistory(
    {
      runner: calls,
      getMetricData: getMetricDataSender(history.cloudwatch),
      changes: changeSenders({cloudtrail: history.cloudtrail, autoscaling: clients.autoscaling, ec2: clients.ec2}),
      s3: s3LogReader(history.s3),
      ...(now ? {now: () => now().getTime()} : {}),
    },
    snapshot,
    {changes: {pacer: history.pacer}},
  )
  snapshot.errors.push(...calls.errors.slice(before))
}
