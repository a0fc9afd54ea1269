import {describe, expect, it} from 'vitest'
import type {RouteTable} from '@aws-sdk/client-ec2'
import type {J} from '../../../src/analyze/context.js'
import {defaultRoute, isBlackhole, routeTarget} from '../../../src/analyze/network/routes.js'

describe('routes', () => {
  it('names the target of a route', () => {
    expect(routeTarget({GatewayId: 'igw-1'})).toEqual({kind: 'internet-gateway', id: 'igw-1'})
    expect(routeTarget({NatGatewayId: 'nat-1'})).toEqual({kind: 'nat-gateway', id: 'nat-1'})
    expect(routeTarget({InstanceId: 'i-1', NetworkInterfaceId: 'eni-1'})).toEqual({kind: 'instance', id: 'i-1'})
    expect(routeTarget({NetworkInterfaceId: 'eni-1'})).toEqual({kind: 'network-interface', id: 'eni-1'})
    expect(routeTarget({TransitGatewayId: 'tgw-1'})).toEqual({kind: 'transit-gateway', id: 'tgw-1'})
    expect(routeTarget({GatewayId: 'local'})).toEqual({kind: 'local', id: 'local'})
    expect(routeTarget({GatewayId: 'vpce-1'})).toEqual({kind: 'vpc-endpoint', id: 'vpce-1'})
    expect(routeTarget({VpcPeeringConnectionId: 'pcx-1'})).toEqual({kind: 'vpc-peering', id: 'pcx-1'})
  })

  it('finds the default route and blackholes', () => {
    const rt = {Routes: [{DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local'}, {DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'Blackhole'}]} as J<RouteTable>
    expect(defaultRoute(rt)?.GatewayId).toBe('igw-1')
    expect(isBlackhole(defaultRoute(rt)!)).toBe(true)
    expect(defaultRoute({Routes: [{DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local'}]})).toBeUndefined()
    expect(defaultRoute(undefined)).toBeUndefined()
  })
})
