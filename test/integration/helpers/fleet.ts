/**
 * A fleet in moto: several ALBs (each with its target group, listener, launch template and Auto Scaling group of 3,
 * as `seedWorld` makes them) in one shared VPC and security groups, as the load balancers of one team often are.
 * `options(i)` breaks ALB i in the ways `seedWorld` knows (an empty target group, a stopped instance…).
 */
import type {SeedOptions, SeededWorld} from './seed.js'
import {AZS, REGION, motoClients, seedNetwork, seedWorld} from './seed.js'

export interface FleetOptions {
  count: number
  region?: string
  /** Names are `${prefix}-${i}` (default `fleet`). */
  prefix?: string
  options?: (i: number) => SeedOptions
}

export async function seedFleet(endpoint: string, o: FleetOptions): Promise<SeededWorld[]> {
  const region = o.region ?? REGION
  const prefix = o.prefix ?? 'fleet'
  const {ec2} = motoClients(endpoint, region)
  const network = await seedNetwork(ec2, prefix, AZS.map((az) => az.replace(REGION, region)))
  ec2.destroy()
  const out: SeededWorld[] = []
  for (let i = 0; i < o.count; i++) out.push(await seedWorld(endpoint, {...o.options?.(i), name: `${prefix}-${i}`, region, network}))
  return out
}
