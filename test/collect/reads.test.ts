/**
 * The instances of the groups, read by id 1,000 a call: one answer at a time, and the previous answer's garbage
 * collected once the next call is sent (src/lib/memory.ts is replaced by a recorder: what is tested is when the
 * collection is asked for, not V8's collector, which test/lib/memory.test.ts covers).
 */
import {beforeEach, describe, expect, it, vi} from 'vitest'
import {DescribeInstancesCommand} from '@aws-sdk/client-ec2'
import {directReads} from '../../src/collect/reads.js'
import {CallRunner} from '../../src/collect/runner.js'
import {mockWorld} from './mock-world.js'

const events = vi.hoisted(() => [] as string[])
vi.mock('../../src/lib/memory.js', () => ({
  releaseMemory: (threshold?: number) => {
    events.push(`collect garbage above ${threshold ?? 'default'}`)
    return true
  },
}))

const ids = (n: number) => Array.from({length: n}, (_, i) => `i-${String(i).padStart(17, '0')}`)

function world() {
  const m = mockWorld()
  m.ec2.on(DescribeInstancesCommand).callsFake(async (input) => {
    const wanted: string[] = input.InstanceIds ?? []
    events.push(`send ${wanted.length}`)
    // An answer that takes a while, as a 1,000-instance one does.
    await new Promise((resolve) => setTimeout(resolve, 5))
    events.push(`answer ${wanted.length}`)
    return {Reservations: [{Instances: wanted.map((id) => ({InstanceId: id, State: {Name: 'running'}}))}]} as never
  })
  return m
}

describe('groupInstances (instances by id)', () => {
  beforeEach(() => {
    events.length = 0
  })

  it('asks 1,000 ids a call, one call after the other, and collects the previous answer\'s garbage while the next call is out', async () => {
    const m = world()
    const got = await directReads(new CallRunner(), m.clients).groupInstances(ids(2500))
    expect(got.map((i) => i.InstanceId)).toEqual(ids(2500))
    expect(events).toEqual([
      'send 1000',
      'answer 1000',
      'send 1000',
      'collect garbage above 0',
      'answer 1000',
      'send 500',
      'collect garbage above 0',
      'answer 500',
    ])
  })

  it('collects nothing when one call answers for every instance', async () => {
    const m = world()
    const got = await directReads(new CallRunner(), m.clients).groupInstances(ids(1000))
    expect(got).toHaveLength(1000)
    expect(events).toEqual(['send 1000', 'answer 1000'])
  })

  it('keeps the answers of the other calls when one fails (its ids are asked for again through the filter)', async () => {
    const m = world()
    m.ec2.on(DescribeInstancesCommand, {InstanceIds: ids(1500).slice(1000)}).rejects(Object.assign(new Error('not found'), {name: 'InvalidInstanceID.NotFound', $metadata: {httpStatusCode: 400}}))
    const got = await directReads(new CallRunner(), m.clients).groupInstances(ids(1500))
    expect(got.map((i) => i.InstanceId)).toEqual(ids(1000))
  })
})
