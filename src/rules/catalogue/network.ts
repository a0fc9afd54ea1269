import type {CatalogueEntry} from '../types.js'

/** Security group, NACL and route rules. */
export const networkCatalogue = [
  {
    id: 'sg-instance-ingress',
    category: 'network',
    title: "Instances' security groups do not admit the ALB",
    severity: 'error',
    description:
      "Checks that the security groups of every target instance admit the target group's traffic port and health-check port from the ALB's security group, or from every address of the ALB's subnets.",
    risk: 'The ALB cannot open a connection to the instances: health checks time out (Target.Timeout), every target turns unhealthy, and clients get 502/504.',
    requires: ['ec2:DescribeSecurityGroups', 'ec2:DescribeInstances', 'ec2:DescribeSubnets', 'elasticloadbalancing:DescribeTargetHealth'],
  },
  {
    id: 'sg-alb-egress',
    category: 'network',
    title: "The ALB's security groups do not let it reach the instances",
    severity: 'error',
    description:
      "Checks that the egress rules of the ALB's security groups allow the traffic port and the health-check port to every target instance, by group reference or by address.",
    risk: 'Without egress the ALB cannot send health checks or requests: every target times out and clients get 502/504.',
    requires: ['ec2:DescribeSecurityGroups', 'ec2:DescribeInstances', 'elasticloadbalancing:DescribeTargetHealth'],
  },
  {
    id: 'nacl-blocks-traffic',
    category: 'network',
    title: 'A network ACL blocks traffic between the ALB and the instances',
    severity: 'error',
    description:
      "Evaluates the NACLs of the ALB's subnets and of the instances' subnets for the traffic and health-check ports one way and the ephemeral ports 1024-65535 back, entry by entry as AWS does, and names the entry that denies.",
    risk: 'NACLs are stateless: a missing entry either way silently drops health checks or their replies, so targets turn unhealthy with Target.Timeout.',
    requires: ['ec2:DescribeNetworkAcls', 'ec2:DescribeSubnets', 'ec2:DescribeInstances', 'elasticloadbalancing:DescribeTargetHealth'],
  },
  {
    id: 'alb-subnet-no-igw-route',
    category: 'network',
    title: 'An internet-facing ALB subnet has no route to an internet gateway',
    severity: 'error',
    description:
      "Checks that every subnet of an internet-facing ALB uses a route table with an active 0.0.0.0/0 route to an internet gateway.",
    risk: "Clients whose DNS answer points at the ALB node in that subnet's AZ cannot reach it: requests time out for part of the traffic.",
    requires: ['ec2:DescribeRouteTables', 'ec2:DescribeSubnets', 'ec2:DescribeInternetGateways'],
  },
  {
    id: 'instance-subnet-no-egress',
    category: 'network',
    title: 'Instances have no route out of their subnet',
    severity: 'error',
    description:
      'Checks that the subnets of the target instances route 0.0.0.0/0 to an available NAT gateway, a NAT instance, a transit gateway, or (for instances with a public IP) an internet gateway, and reports which S3 and SSM endpoints exist instead.',
    risk: 'Without a way out, package installs in user data (dnf, yum, apt) fail at boot, so the web server the health checks need was never installed.',
    requires: ['ec2:DescribeRouteTables', 'ec2:DescribeNatGateways', 'ec2:DescribeInstances', 'ec2:DescribeVpcEndpoints', 'elasticloadbalancing:DescribeTargetHealth'],
  },
] as const satisfies readonly CatalogueEntry[]
