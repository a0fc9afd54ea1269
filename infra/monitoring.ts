/**
 * Alarms on the signals of a 502 (unhealthy hosts, 5xx from the ALB and from the targets, slow targets, hot
 * CPUs), sent to one SNS topic, and a small dashboard of the same metrics.
 */
import {Duration} from 'aws-cdk-lib'
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch'
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions'
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2'
import type * as sns from 'aws-cdk-lib/aws-sns'
import {Construct} from 'constructs'
import type {WebTier} from './web-tier.js'

interface AlarmSpec {
  id: string
  description: string
  metric: cloudwatch.IMetric
  threshold: number
  evaluationPeriods: number
}

export class Monitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[]

  constructor(scope: Construct, id: string, stackName: string, web: WebTier, topic: sns.ITopic) {
    super(scope, id)
    const minute = Duration.minutes(1)
    const fiveMinutes = Duration.minutes(5)
    const cpu = new cloudwatch.Metric({namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensionsMap: {AutoScalingGroupName: web.asg.autoScalingGroupName}, statistic: 'Average', period: fiveMinutes})
    // Target-group metrics, built on the ARN-derived dimension (see WebTier.targetGroupFullName).
    const tg = (metricName: string, statistic: string, period: Duration): cloudwatch.Metric =>
      new cloudwatch.Metric({namespace: 'AWS/ApplicationELB', metricName, statistic, period, dimensionsMap: {LoadBalancer: web.alb.loadBalancerFullName, TargetGroup: web.targetGroupFullName}})
    const specs: AlarmSpec[] = [
      {id: 'UnhealthyHosts', description: 'At least one target has failed its health checks for 3 minutes.', metric: tg('UnHealthyHostCount', 'Maximum', minute), threshold: 1, evaluationPeriods: 3},
      {id: 'Elb5xx', description: 'The load balancer itself answered 5xx (502/503/504: no healthy or no answering target) 10 times or more in 5 minutes.', metric: web.alb.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, {statistic: 'Sum', period: fiveMinutes}), threshold: 10, evaluationPeriods: 1},
      {id: 'Target5xx', description: 'The instances answered 5xx 10 times or more in 5 minutes.', metric: tg('HTTPCode_Target_5XX_Count', 'Sum', fiveMinutes), threshold: 10, evaluationPeriods: 1},
      {id: 'TargetResponseTime', description: 'The 90th percentile of target response time stayed above 1 second for 15 minutes.', metric: tg('TargetResponseTime', 'p90', fiveMinutes), threshold: 1, evaluationPeriods: 3},
      {id: 'HighCpu', description: 'The group\'s average CPU stayed above 85% for 15 minutes (scaling has not kept up, or max capacity is reached).', metric: cpu, threshold: 85, evaluationPeriods: 3},
    ]
    const action = new actions.SnsAction(topic)
    this.alarms = specs.map((s) => {
      const alarm = new cloudwatch.Alarm(this, s.id, {
        alarmName: `${stackName}-${s.id}`, // the dashboard's alarm widget refers to this name
        alarmDescription: s.description,
        metric: s.metric,
        threshold: s.threshold,
        evaluationPeriods: s.evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No data means no traffic (or no targets yet), which is not an error in itself.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      })
      alarm.addAlarmAction(action)
      alarm.addOkAction(action)
      return alarm
    })

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: stackName,
      widgets: [
        [
          new cloudwatch.GraphWidget({title: 'Requests and 5xx', left: [web.alb.metrics.requestCount({period: minute}), web.alb.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, {period: minute}), tg('HTTPCode_Target_5XX_Count', 'Sum', minute)]}),
          new cloudwatch.GraphWidget({title: 'Target health', left: [tg('HealthyHostCount', 'Minimum', minute), tg('UnHealthyHostCount', 'Maximum', minute)]}),
        ],
        [
          new cloudwatch.GraphWidget({title: 'Target response time (p50, p90)', left: [tg('TargetResponseTime', 'p50', minute), tg('TargetResponseTime', 'p90', minute)]}),
          new cloudwatch.GraphWidget({title: 'CPU (group average)', left: [cpu]}),
        ],
        // By name, not by reference: a Fn::GetAtt on the alarms breaks CreateStack in moto, which skips alarms.
        // The DependsOn still makes CloudFormation create the alarms first.
        [new cloudwatch.AlarmStatusWidget({title: 'Alarms', alarms: specs.map((s, i) => cloudwatch.Alarm.fromAlarmName(this, `AlarmRef${i}`, `${stackName}-${s.id}`)), width: 24})],
      ],
    })
    dashboard.node.addDependency(...this.alarms)
  }
}
