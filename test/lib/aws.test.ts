import {describe, expect, it} from 'vitest'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {clientConfig, elbv2Sdk, endpointOverride, HTTP_TIMEOUTS, httpTimeouts, regionFromArn, regionFromDnsName} from '../../src/lib/aws.js'
import {describeAwsFailure, noCredentials, UserError} from '../../src/lib/errors.js'
import {regionForInput} from '../../src/diagnose/service.js'

describe('regions carried by ALB references', () => {
  it('reads the region of ALB DNS names, internal and dualstack ones included', () => {
    expect(regionFromDnsName('web-alb-1234567890.eu-west-1.elb.amazonaws.com')).toBe('eu-west-1')
    expect(regionFromDnsName('internal-web-1234.us-east-2.elb.amazonaws.com.')).toBe('us-east-2')
    expect(regionFromDnsName('dualstack.web-1.ap-southeast-1.elb.amazonaws.com')).toBe('ap-southeast-1')
    expect(regionFromDnsName('web.cn-north-1.elb.amazonaws.com.cn')).toBe('cn-north-1')
    expect(regionFromDnsName('us-gov-west-1-thing.us-gov-west-1.elb.amazonaws.com')).toBe('us-gov-west-1')
    expect(regionFromDnsName('web-alb')).toBeUndefined()
  })

  it('reads the region of an ARN', () => {
    expect(regionFromArn('arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/app/web/abc')).toBe('eu-central-1')
    expect(regionFromArn('web')).toBeUndefined()
  })

  it('refuses a --region that contradicts the ALB reference', () => {
    expect(regionForInput('web-1.eu-west-1.elb.amazonaws.com', undefined)).toBe('eu-west-1')
    expect(regionForInput('http://web-1.eu-west-1.elb.amazonaws.com/path', undefined)).toBe('eu-west-1')
    expect(regionForInput('web-alb', 'us-east-1')).toBe('us-east-1')
    expect(() => regionForInput('web-1.eu-west-1.elb.amazonaws.com', 'us-east-1')).toThrowError(
      'web-1.eu-west-1.elb.amazonaws.com is in region eu-west-1, but --region says us-east-1.',
    )
  })
})

describe('endpoint overrides', () => {
  it('takes --endpoint-url first, then AWS_ENDPOINT_URL, then a service\'s own variable', () => {
    expect(endpointOverride({endpointUrl: 'http://127.0.0.1:1'}, {AWS_ENDPOINT_URL: 'http://127.0.0.1:2'})).toBe('http://127.0.0.1:1')
    expect(endpointOverride({}, {AWS_ENDPOINT_URL: 'http://127.0.0.1:2'})).toBe('http://127.0.0.1:2')
    expect(endpointOverride({}, {AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: 'http://127.0.0.1:3'})).toBe('http://127.0.0.1:3')
    expect(endpointOverride({}, {})).toBeUndefined()
  })
})

describe('client configuration', () => {
  const handler = {connectionTimeout: 3_000, socketTimeout: 10_000, requestTimeout: 30_000, throwOnRequestTimeout: true}

  it('uses adaptive retries, bounded HTTP timeouts, and passes the AWS CLI conventions through', () => {
    expect(clientConfig({region: 'eu-west-1', profile: 'ops', endpointUrl: 'http://127.0.0.1:5000'}, {})).toEqual({
      region: 'eu-west-1',
      profile: 'ops',
      endpoint: 'http://127.0.0.1:5000',
      maxAttempts: 5,
      retryMode: 'adaptive',
      requestHandler: handler,
    })
    expect(clientConfig({}, {})).toEqual({maxAttempts: 5, retryMode: 'adaptive', requestHandler: handler})
  })

  it('takes the timeouts from the options first, then the environment; junk in the environment is ignored', () => {
    expect(httpTimeouts({}, {ASG_DOCTOR_SOCKET_TIMEOUT_MS: '500', ASG_DOCTOR_CONNECT_TIMEOUT_MS: 'soon'})).toEqual({...HTTP_TIMEOUTS, socketTimeoutMs: 500})
    expect(httpTimeouts({timeouts: {socketTimeoutMs: 200}}, {ASG_DOCTOR_SOCKET_TIMEOUT_MS: '500', ASG_DOCTOR_REQUEST_TIMEOUT_MS: '900'})).toEqual({
      connectionTimeoutMs: 3_000,
      socketTimeoutMs: 200,
      requestTimeoutMs: 900,
    })
  })

  it('makes the SDK give up on an endpoint that accepts connections and never answers', async () => {
    const server = createServer(() => undefined) // accepts, reads, never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    try {
      const {DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client} = elbv2Sdk()
      const config = clientConfig({region: 'us-east-1', endpointUrl: `http://127.0.0.1:${port}`, maxAttempts: 1, timeouts: {socketTimeoutMs: 300}}, {})
      const client = new ElasticLoadBalancingV2Client({...config, credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}})
      const error = (await client.send(new DescribeLoadBalancersCommand({})).catch((e: unknown) => e)) as Error
      expect(error.name).toBe('TimeoutError')
    } finally {
      server.closeAllConnections()
      server.close()
    }
  })
})

describe('AWS failures as user errors', () => {
  const awsError = (name: string, message = 'no') => Object.assign(new Error(message), {name, $metadata: {httpStatusCode: 403}})

  it('names the IAM permission for AccessDenied', () => {
    const e = describeAwsFailure('elasticloadbalancing:DescribeLoadBalancers', awsError('AccessDenied'))
    expect(e).toBeInstanceOf(UserError)
    expect(e?.message).toBe('elasticloadbalancing:DescribeLoadBalancers was denied (AccessDenied): the credentials lack the IAM permission elasticloadbalancing:DescribeLoadBalancers.')
  })

  it('recognises missing and rejected credentials', () => {
    expect(describeAwsFailure('x', Object.assign(new Error('Could not load credentials from any providers'), {name: 'CredentialsProviderError'}))?.message).toBe(
      'No AWS credentials were found.',
    )
    expect(describeAwsFailure('sts:GetCallerIdentity', awsError('InvalidClientTokenId'))?.message).toMatch(/AWS rejected the credentials when calling sts:GetCallerIdentity/)
  })

  it('says how to check the way to the endpoint when a connection fails', () => {
    const e = describeAwsFailure('elasticloadbalancing:DescribeLoadBalancers', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {code: 'ECONNREFUSED'}))
    expect(e?.message).toBe('elasticloadbalancing:DescribeLoadBalancers failed: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9')
    expect(e?.hint).toMatch(/could not be reached.*--endpoint-url/)
  })

  it('names the profile when it has no credentials', () => {
    expect(noCredentials('ops').message).toBe('No AWS credentials were found for profile "ops".')
    expect(noCredentials('ops').hint).toContain('aws sso login --profile ops')
  })

  it('leaves errors that are not AWS\'s alone', () => {
    expect(describeAwsFailure('x', new TypeError('undefined is not a function'))).toBeUndefined()
  })
})
