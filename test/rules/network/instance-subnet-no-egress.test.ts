import {describe, expect, it} from 'vitest'
import {rule as instanceSubnetNoEgress} from '../../../src/rules/network/instance-subnet-no-egress.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {BROKEN_USER_DATA, IGW_ID, INSTANCE_IDS, NAT_IDS, PRIVATE_SUBNETS, PUBLIC_SUBNETS, TG_ARN, VPC_CIDR, healthyWorld} from '../../fixtures/world.js'
import {findings, run} from './helpers.js'

const RT = (i: number) => `rtb-0private000000${i}01`
const route = (w: Snapshot, i: number) => w.ec2.RouteTables.find((r) => r.RouteTableId === RT(i))!
const withoutS3 = (w: Snapshot) => {
  w.ec2.VpcEndpoints = w.ec2.VpcEndpoints.filter((e) => !e.ServiceName?.endsWith('.s3'))
  return w
}

describe('instance-subnet-no-egress', () => {
  it('passes on the healthy world (NAT gateway per AZ)', () => {
    expect(run(instanceSubnetNoEgress, healthyWorld())).toEqual([])
  })

  it('flags a private subnet with no NAT route, says the dnf install cannot have worked, and explains unhealthy targets', () => {
    const w = withoutS3(healthyWorld())
    route(w, 0).Routes = [{DestinationCidrBlock: VPC_CIDR, GatewayId: 'local', State: 'active'}]
    const out = findings(instanceSubnetNoEgress, w)
    expect(out).toHaveLength(1)
    const f = out[0]
    expect(f.key).toBe(`instance-subnet-no-egress:${PRIVATE_SUBNETS[0]}`)
    expect(f.severity).toBe('error')
    expect(f.confidence).toBe('likely')
    expect(f.message).toContain(`1 instance(s) in ${PRIVATE_SUBNETS[0]} (us-east-1a) have no way out: route table ${RT(0)} has no 0.0.0.0/0 route`)
    expect(f.message).toContain('Their user data runs `dnf install -y nginx`, which cannot have worked')
    expect(f.message).toContain('No S3 gateway endpoint serves this route table')
    expect(f.message).toContain('SSM interface endpoints exist')
    expect(f.resources).toEqual([PRIVATE_SUBNETS[0], RT(0), INSTANCE_IDS[0], TG_ARN])
    expect(f.explains).toEqual([{ruleId: 'target-health-unhealthy', resource: TG_ARN}])
    // The NAT gateway of the same AZ is available: route to it, or add the S3 gateway endpoint.
    expect(f.remediation.commands).toEqual([
      `aws ec2 create-route --route-table-id ${RT(0)} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ${NAT_IDS[0]} --region us-east-1`,
      `aws ec2 create-vpc-endpoint --vpc-id vpc-0a1b2c3d4e5f60718 --vpc-endpoint-type Gateway --service-name com.amazonaws.us-east-1.s3 --route-table-ids ${RT(0)} --region us-east-1`,
    ])
  })

  it('lowers to a warning when an S3 gateway endpoint serves the route table (dnf on AL2023 can work)', () => {
    const w = healthyWorld()
    route(w, 1).Routes = route(w, 1).Routes!.filter((r) => r.DestinationCidrBlock !== '0.0.0.0/0')
    const out = findings(instanceSubnetNoEgress, w)
    expect(out[0].severity).toBe('warning')
    expect(out[0].confidence).toBe('possible')
    expect(out[0].message).toContain('An S3 gateway endpoint (vpce-0s3gateway000001) serves this route table')
  })

  it('says less about installs when the user data installs nothing', () => {
    const w = withoutS3(healthyWorld())
    w.ec2.LaunchTemplateVersions[0].LaunchTemplateData!.UserData = Buffer.from('#!/bin/bash\necho hi\n').toString('base64')
    route(w, 0).Routes = []
    const out = findings(instanceSubnetNoEgress, w)
    expect(out[0].confidence).toBe('possible')
    expect(out[0].message).not.toContain('cannot have worked')
  })

  it('quotes the first install line of the incident user data', () => {
    const w = withoutS3(healthyWorld())
    w.ec2.LaunchTemplateVersions[0].LaunchTemplateData!.UserData = Buffer.from(BROKEN_USER_DATA).toString('base64')
    route(w, 2).Routes = []
    expect(findings(instanceSubnetNoEgress, w)[0].message).toContain('`dnf update -y`')
  })

  it('flags a NAT gateway route whose NAT gateway failed, and routes to another available one', () => {
    const w = withoutS3(healthyWorld())
    const nat = w.ec2.NatGateways[0]
    nat.State = 'failed'
    nat.FailureCode = 'InsufficientFreeAddressesInSubnet'
    nat.FailureMessage = 'Subnet has insufficient free addresses to create this NAT gateway'
    const out = findings(instanceSubnetNoEgress, w)
    expect(out).toHaveLength(1)
    expect(out[0].message).toContain(`0.0.0.0/0 goes to NAT gateway ${NAT_IDS[0]}, which is failed (InsufficientFreeAddressesInSubnet: Subnet has insufficient`)
    expect(out[0].resources.slice(0, 3)).toEqual([PRIVATE_SUBNETS[0], RT(0), NAT_IDS[0]])
    expect(out[0].remediation.commands![0]).toBe(`aws ec2 replace-route --route-table-id ${RT(0)} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ${NAT_IDS[1]} --region us-east-1`)
  })

  it('proposes a new NAT gateway in a public subnet of the same AZ when none is available', () => {
    const w = withoutS3(healthyWorld())
    for (const n of w.ec2.NatGateways) n.State = 'deleted'
    const out = findings(instanceSubnetNoEgress, w)
    expect(out).toHaveLength(3)
    const a = out.find((f) => f.key.endsWith(PRIVATE_SUBNETS[0]))!
    expect(a.remediation.commands![1]).toBe(`aws ec2 create-nat-gateway --subnet-id ${PUBLIC_SUBNETS[0]} --allocation-id <AllocationId from allocate-address> --region us-east-1`)
  })

  it('flags a blackhole route', () => {
    const w = healthyWorld()
    route(w, 0).Routes![1].State = 'blackhole'
    expect(findings(instanceSubnetNoEgress, w)[0].message).toContain(`0.0.0.0/0 goes to ${NAT_IDS[0]}, a blackhole`)
  })

  it('accepts an IGW route only for instances with a public IP', () => {
    const w = healthyWorld()
    route(w, 0).Routes![1] = {DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW_ID, State: 'active'}
    expect(findings(instanceSubnetNoEgress, w)[0].message).toContain(`internet gateway ${IGW_ID}, but instances without a public IP cannot use it`)
    w.ec2.Instances[0].PublicIpAddress = '54.1.2.3'
    expect(run(instanceSubnetNoEgress, w)).toEqual([])
  })

  it('accepts a NAT instance, an ENI and a transit gateway as a way out', () => {
    for (const target of [{InstanceId: 'i-0natinstance0001'}, {NetworkInterfaceId: 'eni-0nat000000001'}, {TransitGatewayId: 'tgw-0abc000000001'}]) {
      const w = healthyWorld()
      route(w, 0).Routes![1] = {DestinationCidrBlock: '0.0.0.0/0', State: 'active', ...target}
      expect(run(instanceSubnetNoEgress, w)).toEqual([])
    }
  })

  it('compares NAT gateway states case-insensitively', () => {
    const w = healthyWorld()
    for (const n of w.ec2.NatGateways) (n as {State: string}).State = 'AVAILABLE'
    expect(run(instanceSubnetNoEgress, w)).toEqual([])
  })
})
