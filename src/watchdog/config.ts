/** The handler's configuration from its environment: the stack sets these variables on the function. */
import {SEVERITIES} from '../rules/types.js'
import type {Severity} from '../rules/types.js'
import type {WatchdogConfig} from './types.js'

export const ENV = {
  bucket: 'ASG_DOCTOR_BUCKET',
  topicArn: 'ASG_DOCTOR_TOPIC_ARN',
  eventBusName: 'ASG_DOCTOR_EVENT_BUS',
  namespace: 'ASG_DOCTOR_NAMESPACE',
  notifyOn: 'ASG_DOCTOR_NOTIFY_ON',
  history: 'ASG_DOCTOR_HISTORY',
} as const

export const DEFAULT_NAMESPACE = 'AsgDoctor'

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): WatchdogConfig {
  const bucket = env[ENV.bucket]
  if (!bucket) throw new Error(`${ENV.bucket} is not set: the watchdog has nowhere to keep its reports.`)
  const notifyOn = (env[ENV.notifyOn] ?? 'error') as Severity
  if (!SEVERITIES.includes(notifyOn)) throw new Error(`${ENV.notifyOn} is "${notifyOn}", not one of ${SEVERITIES.join(', ')}.`)
  return {
    bucket,
    ...(env[ENV.topicArn] ? {topicArn: env[ENV.topicArn]} : {}),
    eventBusName: env[ENV.eventBusName] || 'default',
    namespace: env[ENV.namespace] || DEFAULT_NAMESPACE,
    notifyOn,
    history: env[ENV.history] === 'true',
    ...(env.AWS_ENDPOINT_URL ? {endpointUrl: env.AWS_ENDPOINT_URL} : {}),
  }
}
