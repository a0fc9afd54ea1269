import {describe, expect, it} from 'vitest'

import {rule as instanceDiskFull} from '../../../src/rules/instance/instance-disk-full.js'
import {INSTANCE_IDS} from '../../fixtures/world.js'
import {edit, findings, worldWith, sample} from './helpers.js'

const healthy = sample('al2023-healthy')

describe('instance-disk-full', () => {
  it('passes at 23%', () => {
    expect(findings(instanceDiskFull, worldWith(healthy))).toEqual([])
  })

  it('fails at 97%', () => {
    const [f] = findings(instanceDiskFull, worldWith([healthy, edit(healthy, {'disk.use': '97'}), healthy]))
    expect(f.message).toBe(`The root filesystem is 97% full on 1 of 3 checked instances of web-tg (${INSTANCE_IDS[1]})`)
    expect(f.evidence).toEqual([`${INSTANCE_IDS[1]}: / is 97% used`])
  })
})
