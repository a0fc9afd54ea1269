/**
 * aws-sdk-client-mock replaces `send`, so it skips the SDK's retry middleware. This test keeps the real
 * middleware stack and fakes only the HTTP layer: the first answer is a 400 Throttling, the second a success.
 */
import {Readable} from 'node:stream'
import {describe, expect, it} from 'vitest'
import {ElasticLoadBalancingV2Client} from '@aws-sdk/client-elastic-load-balancing-v2'
import {AwsClients, clientConfig} from '../../src/lib/aws.js'
import {resolveLoadBalancer} from '../../src/collect/resolve.js'
import {collectSnapshot} from '../../src/collect/index.js'
import {ALB_ARN, ALB_NAME} from '../fixtures/world.js'

const THROTTLED = `<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
  <Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>
  <RequestId>11111111-1111-1111-1111-111111111111</RequestId>
</ErrorResponse>`

const FOUND = `<DescribeLoadBalancersResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
  <DescribeLoadBalancersResult><LoadBalancers><member>
    <LoadBalancerArn>${ALB_ARN}</LoadBalancerArn>
    <LoadBalancerName>${ALB_NAME}</LoadBalancerName>
    <Type>application</Type>
    <Scheme>internet-facing</Scheme>
    <State><Code>active</Code></State>
  </member></LoadBalancers></DescribeLoadBalancersResult>
  <ResponseMetadata><RequestId>22222222-2222-2222-2222-222222222222</RequestId></ResponseMetadata>
</DescribeLoadBalancersResponse>`

/** A fake HTTP handler answering from a script, one body per request, and counting requests. */
function scriptedHandler(script: {status: number; body: string}[]) {
  const handler = {
    requests: 0,
    async handle() {
      const next = script[Math.min(handler.requests, script.length - 1)]
      handler.requests++
      return {response: {statusCode: next.status, headers: {'content-type': 'text/xml', 'x-amzn-requestid': 'r'}, body: Readable.from([Buffer.from(next.body)])}}
    },
  }
  return handler
}

function clientWith(handler: ReturnType<typeof scriptedHandler>, maxAttempts: number) {
  return new ElasticLoadBalancingV2Client({
    ...clientConfig({region: 'us-east-1', maxAttempts}),
    credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'},
    requestHandler: handler as never,
  })
}

describe('adaptive retries through the real SDK middleware', () => {
  it('retries a throttled DescribeLoadBalancers and succeeds', async () => {
    const handler = scriptedHandler([
      {status: 400, body: THROTTLED},
      {status: 200, body: FOUND},
    ])
    const started = performance.now()
    const lb = await resolveLoadBalancer(ALB_NAME, AwsClients.from({elbv2: clientWith(handler, 3)}, {region: 'us-east-1'}))
    const ms = performance.now() - started
    expect(lb.LoadBalancerArn).toBe(ALB_ARN)
    expect(handler.requests).toBe(2)
    // The SDK's jittered backoff after a throttling error is up to ~1 s; 5 s leaves room on a loaded machine.
    expect(ms).toBeLessThan(5000)
  })

  it('records Throttling in the snapshot when the attempts run out', async () => {
    const handler = scriptedHandler([{status: 400, body: THROTTLED}])
    const client = clientWith(handler, 1)
    const {snapshot} = await collectSnapshot({
      loadBalancer: {LoadBalancerArn: ALB_ARN, LoadBalancerName: ALB_NAME, Type: 'application', VpcId: undefined},
      input: ALB_NAME,
      // Only elbv2 is scripted; the other clients fail locally, so that nothing leaves the process.
      clients: AwsClients.from(
        {elbv2: client, ec2: throttledLike('ec2'), autoscaling: throttledLike('autoscaling'), sts: throttledLike('sts')},
        {region: 'us-east-1'},
      ),
      region: 'us-east-1',
      toolVersion: '0',
    })
    expect(snapshot.errors.find((e) => e.api === 'elasticloadbalancing:DescribeListeners')).toEqual({
      api: 'elasticloadbalancing:DescribeListeners',
      resource: ALB_ARN,
      code: 'Throttling',
      message: 'Rate exceeded',
      accessDenied: false,
    })
  })
})

/** A stand-in client whose every call fails locally, so the test sends nothing anywhere. */
function throttledLike(service: string) {
  return {
    send: async () => {
      throw Object.assign(new Error(`${service} is not part of this test`), {name: 'NotInThisTest', $metadata: {}})
    },
  }
}
