/**
 * Route tables: what a route points at, the default route, blackholes. No I/O.
 */
import type {Route, RouteTable} from '@aws-sdk/client-ec2'
import type {J} from '../context.js'

export type RouteTargetKind =
  | 'internet-gateway'
  | 'nat-gateway'
  | 'instance'
  | 'network-interface'
  | 'transit-gateway'
  | 'vpc-endpoint'
  | 'vpc-peering'
  | 'egress-only-internet-gateway'
  | 'local'
  | 'other'

export interface RouteTarget {
  kind: RouteTargetKind
  id: string
}

export function routeTarget(r: J<Route>): RouteTarget {
  if (r.NatGatewayId) return {kind: 'nat-gateway', id: r.NatGatewayId}
  if (r.TransitGatewayId) return {kind: 'transit-gateway', id: r.TransitGatewayId}
  if (r.InstanceId) return {kind: 'instance', id: r.InstanceId}
  if (r.NetworkInterfaceId) return {kind: 'network-interface', id: r.NetworkInterfaceId}
  if (r.VpcPeeringConnectionId) return {kind: 'vpc-peering', id: r.VpcPeeringConnectionId}
  if (r.EgressOnlyInternetGatewayId) return {kind: 'egress-only-internet-gateway', id: r.EgressOnlyInternetGatewayId}
  const gw = r.GatewayId ?? r.CoreNetworkArn ?? r.CarrierGatewayId ?? r.LocalGatewayId ?? '?'
  if (gw === 'local') return {kind: 'local', id: gw}
  if (gw.startsWith('igw-')) return {kind: 'internet-gateway', id: gw}
  if (gw.startsWith('vpce-')) return {kind: 'vpc-endpoint', id: gw}
  return {kind: 'other', id: gw}
}

/** The IPv4 default route (0.0.0.0/0) of a route table, if any. */
export function defaultRoute(rt: J<RouteTable> | undefined): J<Route> | undefined {
  return rt?.Routes?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')
}

export function isBlackhole(r: J<Route>): boolean {
  return String(r.State ?? '').toLowerCase() === 'blackhole'
}
