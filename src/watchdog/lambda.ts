/**
 * The Lambda entry point, bundled by scripts/bundle-watchdog.mjs into dist/watchdog/index.mjs: the handler with
 * its real dependencies, built once per container from the function's environment.
 */
import type {CloudWatchClient} from '@aws-sdk/client-cloudwatch'
import type {EventBridgeClient} from '@aws-sdk/client-eventbridge'
import type {S3Client} from '@aws-sdk/client-s3'
import type {SNSClient} from '@aws-sdk/client-sns'
import {AwsClients, clientConfig, loadSdk} from '../lib/aws.js'
import {scanFleet} from '../scan/service.js'
import {configFromEnv} from './config.js'
import {createHandler} from './handler.js'
import type {HandlerContext, ScanFn} from './handler.js'
import type {WatchdogEvent, WatchdogOutcome} from './types.js'

/** Set by the bundler from package.json (infra/watchdog/bundle.ts); 'dev' when run unbundled. */
declare const __ASG_DOCTOR_VERSION__: string | undefined
const TOOL_VERSION = typeof __ASG_DOCTOR_VERSION__ === 'string' ? __ASG_DOCTOR_VERSION__ : 'dev'

/** The fleet scan, the same as `asg-doctor scan`, with the function's own credentials (or a member role's profile). */
const scan: ScanFn = (request) =>
  scanFleet(request, {
    clients: (region, profile) => new AwsClients({...(region ? {region} : {}), ...(profile ? {profile} : {}), ...(request.endpointUrl ? {endpointUrl: request.endpointUrl} : {})}),
    toolVersion: TOOL_VERSION,
    trace: (line) => console.log(line),
  })

let handle: ((event: WatchdogEvent, context?: HandlerContext) => Promise<WatchdogOutcome>) | undefined

export async function handler(event: WatchdogEvent, context?: HandlerContext): Promise<WatchdogOutcome> {
  if (!handle) {
    const config = configFromEnv()
    const options = clientConfig({region: process.env.AWS_REGION, ...(config.endpointUrl ? {endpointUrl: config.endpointUrl} : {})})
    handle = createHandler({
      config,
      scan,
      s3: new (loadSdk('s3').S3Client)({...options, ...(config.endpointUrl ? {forcePathStyle: true} : {})}) as S3Client,
      cloudwatch: new (loadSdk('cloudwatch').CloudWatchClient)(options) as CloudWatchClient,
      eventbridge: new (loadSdk('eventbridge').EventBridgeClient)(options) as EventBridgeClient,
      sns: new (loadSdk('sns').SNSClient)(options) as SNSClient,
      log: (line) => console.log(line),
    })
  }
  return handle(event, context)
}
