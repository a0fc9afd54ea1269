import {describe, expect, it} from 'vitest'
import {DEFAULT_PROPS, InvalidPropsError, resolveProps, validationProblems} from '../../infra/props.js'
import {propsFromFlags} from '../../src/deploy/flags.js'
import {UserError} from '../../src/lib/errors.js'

describe('resolveProps', () => {
  it('fills in the defaults: three NAT gateways, t3.micro, 2/2/4, /health on port 80, the healthy scenario', () => {
    expect(resolveProps()).toEqual(DEFAULT_PROPS)
    expect(resolveProps({natGateways: undefined, minCapacity: 1})).toMatchObject({natGateways: 3, minCapacity: 1})
  })

  it.each([
    [{minCapacity: 3, desiredCapacity: 2}, 'Capacities must satisfy min <= desired <= max (got min 3, desired 2, max 4).'],
    [{desiredCapacity: 5}, 'Capacities must satisfy min <= desired <= max (got min 2, desired 5, max 4).'],
    [{natGateways: 0}, 'NAT gateways must be 1, 2 or 3 (got 0): 3 for one per AZ, 1 to save cost.'],
    [{natGateways: 4}, 'NAT gateways must be 1, 2 or 3 (got 4): 3 for one per AZ, 1 to save cost.'],
    [{healthCheckPath: 'health'}, 'Health-check path must start with "/" (got "health").'],
    [{healthCheckPath: '/health;rm -rf /'}, 'Health-check path "/health;rm -rf /" may contain only letters, digits and . _ ~ - /.'],
    [{stackName: '1web'}, 'Stack name "1web" is not valid: use letters, digits and hyphens, starting with a letter (at most 128).'],
    [{targetPort: 70000}, 'Target port must be 1-65535 (got 70000).'],
    [{instanceType: 'large'}, 'Instance type "large" does not look like an EC2 instance type (e.g. t3.micro).'],
    [{certificateArn: 'arn:aws:iam::123456789012:server-certificate/x'}, 'Certificate "arn:aws:iam::123456789012:server-certificate/x" is not an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID).'],
    [{alertEmail: 'ops'}, 'Alert e-mail "ops" is not an e-mail address.'],
    [{cpuTargetPercent: 0}, 'CPU target must be a percentage above 0 and at most 100 (got 0).'],
    [{scenario: 'broken' as never}, 'Unknown scenario "broken": choose one of healthy, nginx-missing, no-alb-ingress, wrong-health-path, no-ssm-endpoints.'],
  ])('rejects %j', (partial, message) => {
    expect(() => resolveProps(partial)).toThrow(new InvalidPropsError(message))
  })

  it('accepts the edges: one NAT gateway, min = desired = max, an ACM ARN, an arm64 type', () => {
    const p = resolveProps({natGateways: 1, minCapacity: 3, desiredCapacity: 3, maxCapacity: 3, certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-aaaa', instanceType: 't4g.small', healthCheckPath: '/'})
    expect(validationProblems(p)).toEqual([])
  })

  it('lists every problem, not only the first', () => {
    expect(validationProblems({...DEFAULT_PROPS, natGateways: 9, healthCheckPath: 'x'})).toHaveLength(2)
  })
})

describe('propsFromFlags', () => {
  it('maps the flags onto the props', () => {
    expect(propsFromFlags({'stack-name': 'web-test', scenario: 'nginx-missing', 'nat-gateways': 1, min: 1, desired: 1, max: 2, 'scale-on': 'both', 'grace-period': 120})).toMatchObject({
      stackName: 'web-test', scenario: 'nginx-missing', natGateways: 1, minCapacity: 1, desiredCapacity: 1, maxCapacity: 2, scaleOn: 'both', healthCheckGraceSeconds: 120,
    })
  })

  it('turns an invalid combination into a user error (exit 2) with a hint', () => {
    const run = () => propsFromFlags({'stack-name': 'web', min: 5, desired: 2, max: 4})
    expect(run).toThrow(UserError)
    expect(run).toThrow('Capacities must satisfy min <= desired <= max (got min 5, desired 2, max 4).')
  })
})
