/**
 * `deploy --watchdog` and `destroy --watchdog` as services, with a recording toolkit: the plan and the monthly
 * cost come before the question, nothing is deployed without a yes, bootstrap runs first when asked, a missing
 * bootstrap is one sentence; and the monthly cost's arithmetic.
 */
import {describe, expect, it} from 'vitest'
import {resolveWatchdogProps} from '../../infra/watchdog/props.js'
import {HOURS_PER_MONTH, WATCHDOG_PRICES, estimateWatchdogCost, formatCost} from '../../src/deploy/cost.js'
import {recordingDeployment} from './fakes.js'
import {deployWatchdog, destroyWatchdog, executionTargets, watchdogNextSteps} from '../../src/deploy/watchdog.js'
import {watchdogPropsFromFlags} from '../../src/deploy/flags.js'

const OUTPUTS = {BucketName: 'wd-reports-1', StateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:wd', TopicArn: 'arn:aws:sns:eu-west-1:123456789012:wd'}

function fakes(opts: {interactive?: boolean; answer?: boolean; deployError?: Error} = {}) {
  return recordingDeployment({...opts, resources: Object.fromEntries(Array.from({length: 16}, (_, i) => [`R${i}`, {}])), outputs: OUTPUTS})
}

const props = resolveWatchdogProps({targets: [{region: 'eu-west-1'}, {region: 'eu-west-1', account: '111122223333'}], alertEmail: 'ops@example.com'})
const req = {props, region: 'eu-west-1', yes: true, bootstrap: false}

describe('deployWatchdog', () => {
  it('shows the plan and the monthly cost before deploying, then the next steps', async () => {
    const {log, io, toolkit} = fakes()
    const outcome = await deployWatchdog(req, {io, toolkit})
    const planAt = log.indexOf('show: Plan: create or update stack asg-doctor-watchdog in eu-west-1 (16 resources).')
    expect(planAt).toBeGreaterThan(log.indexOf('synth: asg-doctor-watchdog'))
    expect(log[planAt + 1]).toBe('show:   Every 15 min, EventBridge Scheduler starts a Step Functions run: a Distributed Map scans eu-west-1, 111122223333:eu-west-1 (10 at once), one Lambda run (Node.js, arm64, 1024 MB) each.')
    expect(log).toContain('show:   Member accounts need the read-only role asg-doctor-watchdog-read first: deploy infra/watchdog/member-role.json to them with a StackSet (see docs/watchdog.md).')
    const totalAt = log.findIndex((l) => /^show: {3}Total +\$\d+\.\d+\/month$/.test(l))
    expect(totalAt).toBeGreaterThan(planAt)
    expect(log.indexOf('deploy')).toBeGreaterThan(totalAt)
    expect(log).not.toContain('bootstrap')
    expect(log.at(-1)).toBe('dispose')
    expect(outcome.status).toBe('deployed')
    expect(outcome.next).toEqual([
      `Run it now: aws stepfunctions start-execution --state-machine-arn ${OUTPUTS.StateMachineArn} --input '{"targets":[{"region":"eu-west-1"},{"region":"eu-west-1","account":"111122223333","roleArn":"arn:aws:iam::111122223333:role/asg-doctor-watchdog-read"}]}' --region eu-west-1`,
      'Latest fleet report: aws s3 cp s3://wd-reports-1/latest/report.json - --region eu-west-1',
      "Reopen an ALB's snapshot: asg-doctor diagnose --snapshot 's3://wd-reports-1/snapshots/<account>/<region>/<alb>.json' --region eu-west-1",
      'Remove it: asg-doctor destroy --watchdog --stack-name asg-doctor-watchdog --region eu-west-1',
    ])
  })

  it('asks with the monthly cost, and deploys nothing on no or without a terminal', async () => {
    const asked = fakes({interactive: true, answer: false})
    const outcome = await deployWatchdog({...req, yes: false}, asked)
    expect(asked.log.find((l) => l.startsWith('ask:'))).toMatch(/^ask: Deploy asg-doctor-watchdog at about \$\d+\.\d\d a month\?$/)
    expect(outcome.status).toBe('declined')
    expect(asked.log).not.toContain('deploy')
    const refused = fakes()
    await expect(deployWatchdog({...req, yes: false}, refused)).rejects.toThrow('There is no terminal to confirm the deployment of stack asg-doctor-watchdog on, so nothing was changed.')
    expect(refused.log).not.toContain('deploy')
  })

  it('bootstraps first with --bootstrap, and names --bootstrap when the account is not bootstrapped', async () => {
    const {log, io, toolkit} = fakes()
    await deployWatchdog({...req, bootstrap: true}, {io, toolkit})
    expect(log.indexOf('bootstrap')).toBeLessThan(log.indexOf('deploy'))
    const missing = fakes({deployError: new Error("asg-doctor-watchdog: SSM parameter /cdk-bootstrap/hnb659fds/version not found. Has the environment been bootstrapped? Please run 'cdk bootstrap'")})
    await expect(deployWatchdog(req, missing)).rejects.toThrow('The account in eu-west-1 is not bootstrapped for CDK, and the watchdog\'s Lambda code must be uploaded through it.')
    const other = fakes({deployError: new Error('Rate exceeded')})
    await expect(deployWatchdog(req, other)).rejects.toThrow('Rate exceeded')
    expect(other.log.at(-1)).toBe('dispose')
  })

  it('scans the region it is deployed to when no target is given', () => {
    expect(executionTargets(resolveWatchdogProps(), 'ap-south-1')).toEqual([{region: 'ap-south-1'}])
    expect(watchdogNextSteps({stackName: 'x', outputs: {}}, {props: resolveWatchdogProps(), region: 'ap-south-1', profile: 'ops'})).toEqual(['Remove it: asg-doctor destroy --watchdog --stack-name x --region ap-south-1 --profile ops'])
  })
})

describe('destroyWatchdog', () => {
  it('says what goes and that the report bucket stays, asks, then deletes', async () => {
    const {log, io, toolkit} = fakes()
    expect(await destroyWatchdog({props, region: 'eu-west-1', yes: true}, {io, toolkit})).toEqual({status: 'destroyed', stackName: 'asg-doctor-watchdog'})
    expect(log[0]).toBe('show: Plan: delete stack asg-doctor-watchdog in eu-west-1 and every resource in it (schedule, state machine, Lambda function, roles, SNS topic and its subscriptions, log groups).')
    expect(log[1]).toMatch(/^show: {3}Kept: the report bucket and its objects/)
    expect(log.slice(-2)).toEqual(['destroy', 'dispose'])
  })
})

describe('the watchdog flags', () => {
  it('take targets as REGION or ACCOUNT:REGION and the watchdog\'s own stack name by default', () => {
    const p = watchdogPropsFromFlags({'stack-name': 'asg-doctor-web', targets: ['eu-west-1', '111122223333:us-east-1'], rate: 5})
    expect(p).toMatchObject({stackName: 'asg-doctor-watchdog', rateMinutes: 5, targets: [{region: 'eu-west-1'}, {account: '111122223333', region: 'us-east-1'}]})
    expect(watchdogPropsFromFlags({'stack-name': 'wd-prod'}).stackName).toBe('wd-prod')
    expect(() => watchdogPropsFromFlags({'stack-name': 'x', targets: ['eu-wst-1']})).toThrow('"eu-wst-1" (--targets) is not an AWS region; did you mean eu-west-1?')
  })
})

describe('estimateWatchdogCost', () => {
  it('prices one account-region every 15 min from its parts, the metrics first', () => {
    const e = estimateWatchdogCost({rateMinutes: 15, targets: 1, memoryMb: 1024, retentionDays: 30})
    const month = Object.fromEntries(e.lines.map((l) => [l.item, l.usdPerHour * HOURS_PER_MONTH]))
    const runs = (730 * 60) / 15
    // 5 ALBs × 3 metrics + 1 fleet metric, and one PutMetricData a run.
    expect(month['CloudWatch metrics']).toBeCloseTo(16 * 0.3 + runs * WATCHDOG_PRICES.putMetricDataRequest, 9)
    // Two Lambda runs a run (the scan, the merge): 5 ALBs × 2 s + 2 × 2 s at 1 GB.
    expect(month['Lambda (arm64)']).toBeCloseTo(runs * 2 * WATCHDOG_PRICES.lambdaRequest + runs * 14 * WATCHDOG_PRICES.lambdaArmGbSecond, 9)
    expect(month['Step Functions (Standard)']).toBeCloseTo(runs * 8 * WATCHDOG_PRICES.stateTransition, 9)
    expect(e.usdPerMonth).toBeGreaterThan(5)
    expect(e.usdPerMonth).toBeLessThan(8)
    expect(formatCost(e, {per: 'month'}).at(-1)).toBe(`  ${e.caveat}`)
  })

  it('grows with the targets and the rate', () => {
    const base = estimateWatchdogCost({rateMinutes: 15, targets: 1, memoryMb: 1024, retentionDays: 30}).usdPerMonth
    expect(estimateWatchdogCost({rateMinutes: 15, targets: 4, memoryMb: 1024, retentionDays: 30}).usdPerMonth).toBeGreaterThan(3 * base)
    expect(estimateWatchdogCost({rateMinutes: 5, targets: 1, memoryMb: 1024, retentionDays: 30}).usdPerMonth).toBeGreaterThan(base)
  })
})
