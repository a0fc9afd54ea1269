import {describe, expect, it} from 'vitest'
import {cidrContains, cidrsOverlap, coverageOf, formatAddress, parseCidr, parseIpv4, parseIpv6, rangeToCidrs, uncoveredRanges} from '../../../src/analyze/network/cidr.js'
import {EPHEMERAL_PORTS, formatPorts} from '../../../src/analyze/network/ports.js'

const r = (cidr: string) => parseCidr(cidr)!

describe('CIDR helpers', () => {
  it('parses IPv4 addresses and rejects malformed ones', () => {
    expect(parseIpv4('10.0.1.2')).toBe(0x0a000102n)
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffffn)
    for (const bad of ['10.0.1', '10.0.1.256', 'a.b.c.d', '10.0.1.2.3', '']) expect(parseIpv4(bad), bad).toBeUndefined()
  })

  it('parses IPv6 addresses, with :: and an embedded IPv4 tail', () => {
    expect(parseIpv6('::')).toBe(0n)
    expect(parseIpv6('::1')).toBe(1n)
    expect(parseIpv6('2600:1f18::')).toBe(0x26001f18n << 96n)
    expect(parseIpv6('::ffff:10.0.0.1')).toBe((0xffffn << 32n) | 0x0a000001n)
    expect(parseIpv6('1:2:3:4:5:6:7:8')).toBe(0x00010002000300040005000600070008n)
    for (const bad of ['1::2::3', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', 'g::1', '1:2:3:4:5:6:7::8:9']) expect(parseIpv6(bad), bad).toBeUndefined()
  })

  it('parses CIDRs, masks host bits, and reads a bare address as a single host', () => {
    expect(parseCidr('10.0.0.5/24')).toEqual({family: 4, start: 0x0a000000n, end: 0x0a0000ffn})
    expect(parseCidr('10.0.0.5')).toEqual({family: 4, start: 0x0a000005n, end: 0x0a000005n})
    expect(parseCidr('0.0.0.0/0')).toEqual({family: 4, start: 0n, end: 0xffffffffn})
    expect(parseCidr('2600:1f18::/56')?.family).toBe(6)
    for (const bad of ['10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/a', '10.0.0.0/8/8', '::/129']) expect(parseCidr(bad), bad).toBeUndefined()
  })

  it('tests containment', () => {
    expect(cidrContains('10.0.0.0/16', '10.0.5.0/24')).toBe(true)
    expect(cidrContains('10.0.5.0/24', '10.0.0.0/16')).toBe(false)
    expect(cidrContains('10.0.0.0/24', '10.0.0.77')).toBe(true)
    expect(cidrContains('10.0.0.0/24', '10.0.1.0')).toBe(false)
    expect(cidrContains('0.0.0.0/0', '192.168.1.0/24')).toBe(true)
    expect(cidrContains('::/0', '10.0.0.0/8')).toBe(false)
    expect(cidrContains('2600:1f18::/56', '2600:1f18:0:ff::/64')).toBe(true)
    expect(cidrContains('10.0.0.0/16', 'garbage')).toBe(false)
  })

  it('tests overlap', () => {
    expect(cidrsOverlap('10.0.0.0/23', '10.0.1.0/24')).toBe(true)
    expect(cidrsOverlap('10.0.0.0/24', '10.0.1.0/24')).toBe(false)
    expect(cidrsOverlap('10.0.1.0/24', '10.0.0.0/16')).toBe(true)
    expect(cidrsOverlap('0.0.0.0/0', '::/0')).toBe(false)
  })

  it('finds what a union of ranges leaves uncovered', () => {
    expect(uncoveredRanges(r('10.0.0.0/24'), [r('10.0.0.0/25'), r('10.0.0.128/25')])).toEqual([])
    expect(uncoveredRanges(r('10.0.0.0/24'), [r('10.0.0.64/26')]).flatMap(rangeToCidrs)).toEqual(['10.0.0.0/26', '10.0.0.128/25'])
    expect(uncoveredRanges(r('10.0.0.0/24'), [r('10.0.0.0/26'), r('10.0.0.32/27'), r('10.0.0.192/26')]).flatMap(rangeToCidrs)).toEqual(['10.0.0.64/26', '10.0.0.128/26'])
    expect(coverageOf(r('10.0.2.0/24'), [r('10.0.0.0/16')])).toBe('full')
    expect(coverageOf(r('10.0.2.0/24'), [r('10.0.2.0/25')])).toBe('partial')
    expect(coverageOf(r('10.0.2.0/24'), [r('10.0.3.0/24'), r('2600::/16')])).toBe('none')
  })

  it('spells a range as the fewest CIDRs, and formats IPv6 compressed', () => {
    expect(rangeToCidrs(r('10.0.2.128/25'))).toEqual(['10.0.2.128/25'])
    expect(rangeToCidrs({family: 4, start: parseIpv4('10.0.0.1')!, end: parseIpv4('10.0.0.6')!})).toEqual(['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/31', '10.0.0.6/32'])
    expect(rangeToCidrs(r('0.0.0.0/0'))).toEqual(['0.0.0.0/0'])
    expect(rangeToCidrs(r('2600:1f18::/56'))).toEqual(['2600:1f18::/56'])
    expect(formatAddress(parseIpv6('2600:0:0:1:0:0:0:1')!, 6)).toBe('2600:0:0:1::1')
    expect(formatAddress(parseIpv6('1:2:3:4:5:6:7:8')!, 6)).toBe('1:2:3:4:5:6:7:8')
    expect(formatPorts({from: 80, to: 80})).toBe('80')
    expect(formatPorts({from: 0, to: 65535})).toBe('all ports')
    expect(formatPorts(EPHEMERAL_PORTS)).toBe('1024-65535')
  })
})
