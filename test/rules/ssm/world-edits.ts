/** Small edits to a healthy SSM world that tests of several rules share. */
import type {Snapshot} from '../../../src/snapshot/types.js'

/** Drops the interface endpoints of the given SSM services. */
export function removeEndpoints(world: Snapshot, services: string[]): Snapshot {
  world.ec2.VpcEndpoints = world.ec2.VpcEndpoints.filter((e) => !services.some((s) => e.ServiceName?.endsWith(`.${s}`)))
  return world
}

/** Removes the 0.0.0.0/0 route of every private route table (no NAT). */
export function removeNatRoutes(world: Snapshot): Snapshot {
  for (const rt of world.ec2.RouteTables) {
    if (rt.RouteTableId?.startsWith('rtb-0private')) rt.Routes = (rt.Routes ?? []).filter((r) => r.DestinationCidrBlock !== '0.0.0.0/0')
  }
  return world
}

export function endpoint(world: Snapshot, service: string) {
  const e = world.ec2.VpcEndpoints.find((x) => x.ServiceName?.endsWith(`.${service}`))
  if (!e) throw new Error(`no ${service} endpoint`)
  return e
}
