/**
 * The part of a live diagnosis that needs nothing but the load balancer's name and the clients: the lookup and the
 * collection (src/collect/index.ts). The diagnose service starts it, or bin/run.js does before oclif loads
 * (src/startup/early-lookup.ts), and the service takes it over.
 */
import type {LoadBalancer} from '@aws-sdk/client-elastic-load-balancing-v2'
import {requestsOnWire} from '../lib/aws.js'
import {collectSnapshot, preloadSdks} from '../collect/index.js'
import type {CollectOptions, CollectStats} from '../collect/index.js'
import {resolveLoadBalancer} from '../collect/resolve.js'
import {CallRunner} from '../collect/runner.js'
import type {Snapshot} from '../snapshot/types.js'

/** What the collection needs (src/collect/index.ts), but the ALB as typed instead of its lookup's answer. */
export interface LiveOptions extends Pick<CollectOptions, 'clients' | 'region' | 'toolVersion' | 'endpointUrl' | 'now' | 'log'> {
  /** ALB name, ARN or DNS name, as typed. */
  alb: string
  /** Aborted before the lookup answers: the collection is not started. */
  signal?: AbortSignal
}

export interface LiveCollection {
  options: LiveOptions
  /** The runner of every AWS call of the diagnosis: the history and the on-instance step go through it too. */
  runner: CallRunner
  /** Date.now() when the first call was asked for. */
  startedAt: number
  loadBalancer: Promise<LoadBalancer>
  collected: Promise<{snapshot: Snapshot; stats: CollectStats}>
}

export function startLiveCollection(options: LiveOptions): LiveCollection {
  const startedAt = Date.now()
  const runner = new CallRunner(8, options.log)
  const loadBalancer = resolveLoadBalancer(options.alb, options.clients, runner)
  const collected = (async () => {
    // Once the lookup is on the wire, load the SDK packages the collection starts with while it is answered.
    await requestsOnWire()
    preloadSdks(['autoscaling', 'ec2'])
    const lb = await loadBalancer
    options.signal?.throwIfAborted()
    return collectSnapshot({
      loadBalancer: lb,
      input: options.alb,
      clients: options.clients,
      region: options.region,
      toolVersion: options.toolVersion,
      endpointUrl: options.endpointUrl,
      now: options.now,
      log: options.log,
      runner,
      ssmReadiness: true,
    })
  })()
  // Whoever takes the collection over handles its failures (the lookup's too: the collection fails with it).
  loadBalancer.catch(() => undefined)
  collected.catch(() => undefined)
  return {options, runner, startedAt, loadBalancer, collected}
}
