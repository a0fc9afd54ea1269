/**
 * The incidents the history rule tests replay, each an hour (18:00-19:00 UTC) of CloudWatch series, log lines in the
 * documented formats through the real summarisers, and change events as the collectors normalise them.
 */
import type {ChangeEvent, HistorySection} from '../../../src/snapshot/history-types.js'
import {ASG_NAME, INSTANCE_IDS, LT_ID, LT_NAME} from '../../fixtures/world.js'
import {TARGETS, healthLines, historySection, minute, trafficLines} from '../../history/section.js'
import {accessLine} from '../../history/lines.js'
import {app500, closed502} from './helpers.js'
import {at} from '../../history/section.js'

export const ALICE = 'arn:aws:iam::123456789012:user/alice'

/** Every 7 minutes from 18:21, two 502s whose target closed a kept-alive connection, on different targets. */
const keepaliveMinute = (m: number) => m >= 21 && m % 7 === 0
export function keepalive(o: {connectionErrors?: number} = {}): HistorySection {
  return historySection({
    minutes: 60,
    metrics: {minutes: 60, elb502: (m) => (keepaliveMinute(m) ? 2 : undefined), connectionErrors: (m) => (o.connectionErrors && keepaliveMinute(m) ? o.connectionErrors : undefined)},
    access: trafficLines({minutes: 60, extra: (m) => (keepaliveMinute(m) ? [closed502(m, 3, TARGETS[m % 3]), closed502(m, 40, TARGETS[(m + 1) % 3])] : [])}),
    health: healthLines(60),
  })
}

/** A launch template version at 18:20 rolled out by an instance refresh at 18:22; from 18:28 every target refuses its checks. */
export function badDeploy(): HistorySection {
  const changes: ChangeEvent[] = [
    {time: minute(20), source: 'launch-template-version', what: 'CreateLaunchTemplateVersion', resources: [LT_ID], who: ALICE, detail: `${LT_NAME} version 2 (used by ${ASG_NAME})`, id: `${LT_ID}:2`},
    {time: minute(20), source: 'cloudtrail', what: 'CreateLaunchTemplateVersion', resources: [LT_ID], who: ALICE, detail: 'ec2.amazonaws.com', id: '6f1c2d3e-0000-4000-8000-000000000001'},
    {time: minute(22), source: 'cloudtrail', what: 'StartInstanceRefresh', resources: [ASG_NAME], who: ALICE, detail: 'autoscaling.amazonaws.com', id: '6f1c2d3e-0000-4000-8000-000000000002'},
    {time: minute(22), source: 'instance-refresh', what: 'InstanceRefresh', resources: [ASG_NAME], status: 'InProgress', detail: 'Waiting for instances to warm up', id: '08b91dd5-4a01-4e76-9a42-5b8f3e2c1a7d'},
    ...[0, 1, 2].flatMap((i): ChangeEvent[] => [
      {time: minute(23 + i * 2), source: 'autoscaling-activity', what: 'Terminate', resources: [ASG_NAME, `i-0f1d2c3b4a596870${i}`], who: 'autoscaling', status: 'Successful'},
      {time: minute(23 + i * 2), source: 'autoscaling-activity', what: 'Launch', resources: [ASG_NAME, INSTANCE_IDS[i]], who: 'autoscaling', status: 'Successful'},
    ]),
  ]
  const h = historySection({
    minutes: 60,
    metrics: {minutes: 60, elb502: (m) => (m >= 28 ? 40 : undefined), unhealthy: (m) => (m < 24 ? 0 : Math.min(3, Math.floor((m - 22) / 2)))},
    health: healthLines(60, (m, t) => (m >= 24 + TARGETS.indexOf(t as (typeof TARGETS)[number]) * 2 ? 'ConnectionRefused' : undefined)),
    changes,
  })
  h.changes!.launchTemplates = [{launchTemplateId: LT_ID, launchTemplateName: LT_NAME, latestVersion: 2, defaultVersion: 1, inUse: [{group: ASG_NAME, version: 2, spec: '$Latest'}]}]
  return h
}

/** From 18:30, the application on the first target answers 500 to two requests a minute. */
export function oneBadTarget(): HistorySection {
  return historySection({
    minutes: 60,
    metrics: {minutes: 60, target5xx: (m) => (m >= 30 ? 2 : undefined)},
    access: trafficLines({minutes: 60, extra: (m) => (m >= 30 ? [app500(m, 9, TARGETS[0]), app500(m, 19, TARGETS[0], '503')] : [])}),
    health: healthLines(60),
  })
}

/** A scale-in at 18:30 while requests take up to 45 s: 504s and 502s while the instance drains, none otherwise. */
export function drained(): HistorySection {
  const cut = (m: number, s: number, code: string) => accessLine({time: at(m, s), target: TARGETS[2], times: ['0.000', code === '504' ? '20.001' : '-1', '-1'], elb: code, targetStatus: '-'})
  return historySection({
    minutes: 60,
    metrics: {minutes: 60, elb504: (m) => (m === 30 || m === 31 ? 3 : undefined), responseTimeP99: (m) => (m % 10 === 0 ? 45 : 0.2)},
    access: trafficLines({minutes: 60, extra: (m) => (m === 30 || m === 31 ? [cut(m, 10, '504'), cut(m, 20, '504'), cut(m, 30, '504')] : [])}),
    changes: [{time: minute(30), source: 'autoscaling-activity', what: 'Terminate', resources: [ASG_NAME, INSTANCE_IDS[2]], who: 'autoscaling', detail: `Terminating EC2 instance: ${INSTANCE_IDS[2]} — an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from 3 to 2.`, status: 'Successful'}],
  })
}

/** The second target times out its checks for two minutes in every four from 18:30. */
export function flapping(o: {with5xx?: boolean} = {}): HistorySection {
  return historySection({
    minutes: 60,
    metrics: {minutes: 60, unhealthy: (m) => (m >= 30 && m % 4 < 2 ? 1 : 0), elb502: (m) => (o.with5xx && m >= 30 && m % 4 === 0 ? 4 : undefined)},
    health: healthLines(60, (m, t) => (t === TARGETS[1] && m >= 30 && m % 4 < 2 ? 'ConnectionTimeout' : undefined)),
  })
}
