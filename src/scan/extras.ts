/**
 * What a scan adds to an ALB's snapshot on request, after the API walk: the read-only script on the instances
 * (`--ssm`) and the evidence over time (`--history`). Both go through the ALB's own runner, so a failure is
 * recorded in its snapshot and costs only the checks that need it, as in `diagnose`.
 */
import type {AwsClients} from '../lib/aws.js'
import type {CallRunner} from '../collect/runner.js'
import type {Snapshot} from '../snapshot/types.js'
import type {Pacer} from '../history/changes.js'

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

/** One CloudTrail pacer per region and account: LookupEvents is limited there (about 2 a second), not per ALB. */
export async function regionPacer(): Promise<Pacer> {
  const {Pacer} = await import('../history/changes.js')
  return new Pacer()
}

/** The snapshot's `history` section for the default window ending now, through the ALB's runner and the region's clients. */
export async function historyEvidence(snapshot: Snapshot, clients: AwsClients, pacer: Pacer, calls: CallRunner, now?: () => Date): Promise<void> {
  const {addHistory} = await import('../history/collect.js')
  await addHistory(snapshot, clients, calls, {changes: {pacer}, ...(now ? {now: () => now().getTime()} : {})})
}
