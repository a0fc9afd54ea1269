import {describe, expect, it} from 'vitest'
import {COST_CAVEAT, estimateCost, formatCost} from '../../src/deploy/cost.js'

const defaults = {natGateways: 3, instanceType: 't3.micro', desiredCapacity: 2, scenario: 'healthy' as const}

describe('estimateCost', () => {
  it('prices the defaults at about $0.31 an hour, NAT gateways and endpoints first', () => {
    const e = estimateCost(defaults)
    const byItem = Object.fromEntries(e.lines.map((l) => [l.item, l.usdPerHour]))
    expect(byItem['NAT gateways']).toBeCloseTo(0.135, 6)
    expect(byItem['Load balancer (hour + 1 LCU)']).toBeCloseTo(0.0305, 6)
    expect(byItem['Public IPv4 addresses']).toBeCloseTo(0.03, 6)
    expect(byItem['SSM interface endpoints']).toBeCloseTo(0.09, 6)
    expect(byItem['Instances (t3.micro)']).toBeCloseTo(0.0208, 6)
    expect(e.usdPerHour).toBeCloseTo(0.3063 + (2 * 8 * 0.08 + 5 * 0.1 + 3) / 730, 9)
    expect(e.usdPerDay).toBeCloseTo(e.usdPerHour * 24, 9)
    expect(e.unknownInstanceType).toBeUndefined()
  })

  it('saves $0.10 an hour with one NAT gateway (and its address)', () => {
    expect(estimateCost(defaults).usdPerHour - estimateCost({...defaults, natGateways: 1}).usdPerHour).toBeCloseTo(2 * (0.045 + 0.005), 9)
  })

  it('leaves the endpoints out of the no-ssm-endpoints scenario', () => {
    expect(estimateCost({...defaults, scenario: 'no-ssm-endpoints'}).lines.map((l) => l.item)).not.toContain('SSM interface endpoints')
  })

  it('says so when it has no price for the instance type, and counts its hours as zero', () => {
    const e = estimateCost({...defaults, instanceType: 'x2iedn.32xlarge'})
    expect(e.unknownInstanceType).toBe('x2iedn.32xlarge')
    expect(formatCost(e)).toContain('  No price on file for x2iedn.32xlarge: its instance hours are not in the total.')
  })
})

describe('formatCost', () => {
  it('prints one line per item, the total per hour, day and month, and the caveat', () => {
    const lines = formatCost(estimateCost(defaults))
    expect(lines[0]).toBe('  NAT gateways                   $0.135/h   3 × $0.045')
    expect(lines).toContain('  Total                          $0.313/h   about $7.51 a day, $228.38 a month')
    expect(lines.at(-1)).toBe(`  ${COST_CAVEAT}`)
    expect(COST_CAVEAT).toMatch(/^Estimate .*excludes data processing/)
  })
})
