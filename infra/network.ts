/**
 * The network: a VPC over three AZs with public and private subnets, NAT gateways, an S3 gateway endpoint and the
 * three interface endpoints Session Manager needs, so instances without a public IP can still be reached.
 */
import {RemovalPolicy} from 'aws-cdk-lib'
import * as ec2 from 'aws-cdk-lib/aws-ec2'
import * as logs from 'aws-cdk-lib/aws-logs'
import {Construct} from 'constructs'
import {AZ_COUNT} from './props.js'
import type {WebTierProps} from './props.js'

export const SSM_ENDPOINT_SERVICES = ['ssm', 'ssmmessages', 'ec2messages'] as const

export class Network extends Construct {
  readonly vpc: ec2.Vpc
  /** The security group of the interface endpoints; undefined when the scenario leaves them out. */
  readonly endpointSecurityGroup?: ec2.SecurityGroup

  constructor(scope: Construct, id: string, props: WebTierProps) {
    super(scope, id)
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      maxAzs: AZ_COUNT,
      natGateways: props.natGateways,
      subnetConfiguration: [
        {name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24},
        {name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20},
      ],
      // CDK closes the default security group with a Lambda-backed custom resource. Custom resources hang in the
      // moto emulator this project tests against, and nothing here uses the default group: every resource gets
      // its own, so the open default group is never attached.
      restrictDefaultSecurityGroup: false,
      gatewayEndpoints: {s3: {service: ec2.GatewayVpcEndpointAwsService.S3}},
    })
    // Rejected packets only: the evidence for "the security group or NACL dropped it", at a fraction of the cost.
    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY})
    this.vpc.addFlowLog('RejectedTraffic', {destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup), trafficType: ec2.FlowLogTrafficType.REJECT})

    if (props.scenario === 'no-ssm-endpoints') return
    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSg', {
      vpc: this.vpc,
      description: 'Systems Manager interface endpoints: HTTPS from the instances only',
      allowAllOutbound: false,
    })
    for (const name of SSM_ENDPOINT_SERVICES) {
      this.vpc.addInterfaceEndpoint(`${name}Endpoint`, {
        service: new ec2.InterfaceVpcEndpointAwsService(name),
        privateDnsEnabled: true,
        subnets: {subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS},
        securityGroups: [this.endpointSecurityGroup],
        open: false,
      })
    }
  }
}
