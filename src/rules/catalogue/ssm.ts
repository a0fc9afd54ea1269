import type {CatalogueEntry} from '../types.js'

/**
 * SSM readiness: can Systems Manager reach each instance (Run Command, Session Manager), and if not, why.
 * Without it the on-instance diagnosis cannot run and nobody can get a shell on a private instance.
 */
const OFFLINE_RISK =
  'Without Systems Manager there is no way onto a private instance without SSH: the on-instance checks (is nginx installed and listening?) cannot run, and neither can the fix.'

export const ssmCatalogue = [
  {
    id: 'ssm-no-instance-profile',
    category: 'ssm',
    title: 'Instance has no usable instance profile',
    severity: 'error',
    description: 'Every running instance must carry an IAM instance profile that exists and holds a role: the SSM agent signs its calls with that role\'s credentials.',
    risk: OFFLINE_RISK,
    requires: ['ec2:DescribeInstances', 'iam:GetInstanceProfile'],
  },
  {
    id: 'ssm-role-missing-permissions',
    category: 'ssm',
    title: 'Instance role lacks the SSM agent\'s permissions',
    severity: 'error',
    description:
      'Evaluates the instance role\'s attached managed and inline policy documents (not their names) for the actions of AmazonSSMManagedInstanceCore the agent needs: ssm:UpdateInstanceInformation, ssmmessages:*Channel, ec2messages:*.',
    risk: OFFLINE_RISK,
    requires: ['iam:GetInstanceProfile', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies', 'iam:GetRolePolicy', 'iam:GetPolicy', 'iam:GetPolicyVersion'],
  },
  {
    id: 'ssm-no-path-to-endpoints',
    category: 'ssm',
    title: 'No network path to the Systems Manager endpoints',
    severity: 'error',
    description:
      'For each of ssm, ssmmessages and ec2messages, the instance\'s VPC needs an interface endpoint, or the instance\'s subnet a 0.0.0.0/0 route to a NAT gateway (or to an internet gateway with a public IP on the instance).',
    risk: OFFLINE_RISK,
    requires: ['ec2:DescribeVpcEndpoints', 'ec2:DescribeRouteTables', 'ec2:DescribeNatGateways'],
  },
  {
    id: 'ssm-endpoint-private-dns-off',
    category: 'ssm',
    title: 'SSM interface endpoint has private DNS off',
    severity: 'error',
    description:
      'With private DNS off, ssm.<region>.amazonaws.com still resolves to public addresses, so the agent never uses the endpoint: it needs a NAT route instead, or fails.',
    risk: OFFLINE_RISK,
    requires: ['ec2:DescribeVpcEndpoints', 'ec2:DescribeRouteTables'],
  },
  {
    id: 'ssm-endpoint-not-in-az',
    category: 'ssm',
    title: 'SSM interface endpoint has no network interface in an instance\'s AZ',
    severity: 'warning',
    description:
      'Private DNS resolves to the endpoint\'s network interfaces in all its subnets, and these are reachable across AZs, so instances in an AZ the endpoint does not cover still reach it; but they depend on another AZ and pay cross-AZ data transfer.',
    risk: 'If the AZ holding the endpoint\'s interfaces fails, instances in the other AZs lose Systems Manager with it.',
    requires: ['ec2:DescribeVpcEndpoints', 'ec2:DescribeSubnets'],
  },
  {
    id: 'ssm-endpoint-sg-blocks-443',
    category: 'ssm',
    title: 'SSM endpoint security group does not admit HTTPS from the instances',
    severity: 'error',
    description: 'The security groups of each SSM interface endpoint must allow inbound TCP 443 from the instances (their IPs, subnet or VPC CIDR, or their security group).',
    risk: OFFLINE_RISK,
    requires: ['ec2:DescribeVpcEndpoints', 'ec2:DescribeSecurityGroups'],
  },
  {
    id: 'ssm-vpc-dns-disabled',
    category: 'ssm',
    title: 'VPC DNS attributes prevent the agent from finding Systems Manager',
    severity: 'error',
    description:
      'enableDnsSupport off disables the Amazon DNS server, so the agent cannot resolve any endpoint; enableDnsHostnames off disables interface endpoints\' private DNS, which needs both attributes.',
    risk: OFFLINE_RISK,
    requires: ['ec2:DescribeVpcAttribute', 'ec2:DescribeVpcEndpoints'],
  },
  {
    id: 'ssm-instance-egress-443',
    category: 'ssm',
    title: 'Instance security group or NACL blocks HTTPS to Systems Manager',
    severity: 'error',
    description:
      'The instance\'s security groups must allow TCP 443 out to the endpoints (or the internet, through NAT); the subnets\' network ACLs must allow 443 out and the replies (ephemeral ports) back in, and the endpoint subnets\' ACLs the reverse.',
    risk: OFFLINE_RISK,
    requires: ['ec2:DescribeSecurityGroups', 'ec2:DescribeNetworkAcls', 'ec2:DescribeVpcEndpoints', 'ec2:DescribeRouteTables', 'ec2:DescribeSubnets'],
  },
  {
    id: 'ssm-agent-not-online',
    category: 'ssm',
    title: 'SSM agent is not online',
    severity: 'error',
    description:
      'DescribeInstanceInformation must list every running instance with PingStatus Online; absent means never registered, ConnectionLost means it stopped checking in.',
    risk: OFFLINE_RISK,
    requires: ['ssm:DescribeInstanceInformation'],
  },
  {
    id: 'ssm-agent-outdated',
    category: 'ssm',
    title: 'SSM agent is outdated',
    severity: 'info',
    description: 'Reports agents that SSM says are not the latest version; agents older than 2.3.68.0 cannot run Session Manager sessions at all.',
    risk: 'Old agents miss fixes and features; below 2.3.68.0 Session Manager refuses to start a session.',
    requires: ['ssm:DescribeInstanceInformation'],
  },
] as const satisfies readonly CatalogueEntry[]
