/**
 * `requestsOnWire` (src/lib/aws.ts): diagnose loads the next SDK packages (synchronous, tens of milliseconds) only
 * once the requests it has sent are written to their sockets, so that loading overlaps their round trip instead of
 * holding them back. A loopback server stands in for AWS and holds its answer until the test releases it; the
 * SDK's request is watched through Node's own `http.client.request.start` channel.
 */
import {subscribe, unsubscribe} from 'node:diagnostics_channel'
import type {ClientRequest} from 'node:http'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {AwsClients, elbv2Sdk, requestsOnWire} from '../../src/lib/aws.js'
import {useMotoCredentials} from '../integration/helpers/moto.js'

const EMPTY = '<DescribeLoadBalancersResponse><DescribeLoadBalancersResult><LoadBalancers/></DescribeLoadBalancersResult></DescribeLoadBalancersResponse>'

describe('requestsOnWire', () => {
  /** Requests the server has read in full, each with the function that answers it. */
  let arrived: Promise<() => void> = new Promise(() => {})
  let arrive: (answer: () => void) => void = () => {}
  const expectRequest = () => (arrived = new Promise((resolve) => (arrive = resolve)))
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => arrive(() => res.writeHead(200, {'content-type': 'text/xml'}).end(EMPTY)))
  })
  let endpoint = ''
  beforeAll(async () => {
    useMotoCredentials()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  /** When the SDK's HTTP request was written out (performance.now()), through Node's diagnostics channel. */
  function watchFlush(): {flushedAt: () => number | undefined; stop: () => void} {
    let at: number | undefined
    const onStart = (message: unknown) => (message as {request: ClientRequest}).request.once('finish', () => (at ??= performance.now()))
    subscribe('http.client.request.start', onStart)
    return {flushedAt: () => at, stop: () => unsubscribe('http.client.request.start', onStart)}
  }

  it('resolves once the request just sent is written to its socket, where one turn of the event loop is too early', async () => {
    const clients = new AwsClients({region: 'us-east-1', endpointUrl: endpoint})
    const {DescribeLoadBalancersCommand} = elbv2Sdk()
    const watch = watchFlush()
    try {
      // The old wait: one turn of the event loop. The SDK is still resolving credentials and signing then.
      expectRequest()
      const early = clients.elbv2.send(new DescribeLoadBalancersCommand({}))
      await new Promise<void>((resolve) => setImmediate(resolve))
      expect(watch.flushedAt()).toBeUndefined()
      await requestsOnWire(5_000)
      const resolvedAt = performance.now()
      expect(watch.flushedAt()).toBeDefined()
      expect(watch.flushedAt()).toBeLessThanOrEqual(resolvedAt)
      ;(await arrived)()
      expect((await early).LoadBalancers).toEqual([])
    } finally {
      watch.stop()
    }
  })

  it('resolves at once when nothing is in flight, and within its bound when a request cannot be written', async () => {
    let started = performance.now()
    await requestsOnWire(5_000)
    expect(performance.now() - started).toBeLessThan(1_000)

    // A port nobody listens on: the connection fails, and the wait ends with it rather than at the bound.
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const closedPort = (probe.address() as AddressInfo).port
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    const clients = new AwsClients({region: 'us-east-1', endpointUrl: `http://127.0.0.1:${closedPort}`, maxAttempts: 1})
    const {DescribeLoadBalancersCommand} = elbv2Sdk()
    const failing = clients.elbv2.send(new DescribeLoadBalancersCommand({})).catch((e: unknown) => e)
    started = performance.now()
    await requestsOnWire(60_000)
    expect(performance.now() - started).toBeLessThan(10_000)
    expect(await failing).toBeInstanceOf(Error)
  })
})
