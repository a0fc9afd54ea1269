/**
 * The reference architecture of the incident asg-doctor was born from, as one CDK stack: ALB over three AZs, an
 * Auto Scaling group of nginx instances in private subnets, Session Manager endpoints, alarms and a dashboard.
 *
 * Region-agnostic on purpose: the AZs are `Fn::GetAZs` picks, so the same template deploys to any region with
 * three AZs and synthesis needs no credentials. LegacyStackSynthesizer and no assets or custom resources keep
 * the template deployable without `cdk bootstrap` (inline, under 51,200 bytes) and into the moto emulator.
 */
import {App, CfnOutput, Fn, LegacyStackSynthesizer, Stack} from 'aws-cdk-lib'
import * as sns from 'aws-cdk-lib/aws-sns'
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions'
import type {Construct} from 'constructs'
import {Network} from './network.js'
import {Monitoring} from './monitoring.js'
import {AZ_COUNT, resolveProps} from './props.js'
import type {WebTierProps} from './props.js'
import {WebTier} from './web-tier.js'

export class WebTierStack extends Stack {
  readonly network: Network
  readonly web: WebTier
  readonly monitoring: Monitoring
  readonly topic: sns.Topic

  constructor(scope: Construct, props: WebTierProps) {
    super(scope, props.stackName, {
      stackName: props.stackName,
      description: `asg-doctor reference web tier (scenario: ${props.scenario})`,
      synthesizer: new LegacyStackSynthesizer(),
      analyticsReporting: false,
    })
    this.network = new Network(this, 'Network', props)
    this.topic = new sns.Topic(this, 'Alerts', {displayName: `${props.stackName} alerts`, enforceSSL: true})
    if (props.alertEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alertEmail))
    this.web = new WebTier(this, 'Web', props, this.network, this.topic)
    this.monitoring = new Monitoring(this, 'Monitoring', props.stackName, this.web, this.topic)

    const outputs: Record<string, [string, string]> = {
      AlbDnsName: [this.web.alb.loadBalancerDnsName, 'DNS name of the load balancer'],
      AlbName: [this.web.alb.loadBalancerName, 'Name of the load balancer (what asg-doctor diagnose takes)'],
      AlbArn: [this.web.alb.loadBalancerArn, 'ARN of the load balancer'],
      TargetGroupArn: [this.web.targetGroup.targetGroupArn, 'ARN of the target group'],
      AsgName: [this.web.asg.autoScalingGroupName, 'Name of the Auto Scaling group'],
      AlertTopicArn: [this.topic.topicArn, 'SNS topic the alarms notify'],
    }
    for (const [id, [value, description]] of Object.entries(outputs)) new CfnOutput(this, id, {value, description})
  }

  /** Three AZs of whatever region the template is deployed to, picked at deploy time. */
  override get availabilityZones(): string[] {
    return Array.from({length: AZ_COUNT}, (_, i) => Fn.select(i, Fn.getAzs()))
  }
}

/** Builds the app and the stack from (partial) props, validated; the App writes its assembly to `outdir`. */
export function buildStack(partial: Partial<WebTierProps> = {}, outdir?: string): {app: App; stack: WebTierStack} {
  const props = resolveProps(partial)
  const app = new App({...(outdir ? {outdir} : {}), analyticsReporting: false})
  return {app, stack: new WebTierStack(app, props)}
}
