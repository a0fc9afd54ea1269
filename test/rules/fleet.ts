/**
 * The healthy world grown to a fleet: the three instances copied round-robin over the three AZs, each registered in
 * the target group and listed by the Auto Scaling group. For tests that the analysis stays linear in the fleet.
 */
import type {Snapshot} from '../../src/snapshot/types.js'
import {ASG_NAME, TG_ARN, healthyWorld} from '../fixtures/world.js'

export const fleetId = (n: number): string => `i-0f1ee7${String(n).padStart(11, '0')}`
/** Distinct addresses in the VPC (10.0.16.0 and up), outside the fixture's own instances' subnets. */
export const fleetIp = (n: number): string => `10.0.${16 + Math.floor(n / 250)}.${(n % 250) + 4}`

export function fleetWorld(size: number): Snapshot {
  const w = healthyWorld()
  const templates = w.ec2.Instances
  const targets = w.elbv2.TargetHealthDescriptions[TG_ARN]
  const group = w.autoscaling.AutoScalingGroups.find((g) => g.AutoScalingGroupName === ASG_NAME)!
  const members = group.Instances ?? []
  const copy = <T>(x: T): T => structuredClone(x)
  w.ec2.Instances = Array.from({length: size}, (_, n) => {
    const i = copy(templates[n % templates.length])
    i.InstanceId = fleetId(n)
    i.PrivateIpAddress = fleetIp(n)
    for (const eni of i.NetworkInterfaces ?? []) {
      eni.PrivateIpAddress = fleetIp(n)
      eni.PrivateIpAddresses = [{Primary: true, PrivateIpAddress: fleetIp(n)}]
    }
    return i
  })
  w.elbv2.TargetHealthDescriptions[TG_ARN] = Array.from({length: size}, (_, n) => {
    const d = copy(targets[n % targets.length])
    d.Target = {...d.Target, Id: fleetId(n)}
    return d
  })
  group.Instances = Array.from({length: size}, (_, n) => ({...copy(members[n % members.length]), InstanceId: fleetId(n)}))
  group.DesiredCapacity = size
  group.MaxSize = Math.max(group.MaxSize ?? 0, size)
  return w
}

/** Counts the reads of one property, so a test can tell one scan of a list from one scan per instance. */
export function countReads<T extends object>(object: T, key: keyof T & string): {count: number} {
  const counter = {count: 0}
  let value = object[key]
  Object.defineProperty(object, key, {
    get: () => {
      counter.count++
      return value
    },
    set: (v: T[typeof key]) => {
      value = v
    },
    enumerable: true,
    configurable: true,
  })
  return counter
}
