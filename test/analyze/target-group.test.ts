import {describe, expect, it} from 'vitest'
import {
  checksTrafficPort,
  describeHealthCheckPort,
  explicitHealthCheckPort,
  healthCheckPort,
  matcherAccepts,
  matcherCodes,
  parseMatcher,
} from '../../src/analyze/target-group.js'

describe('target-group health-check facts', () => {
  it('reads traffic-port in any case, and a missing port, as the traffic port', () => {
    for (const HealthCheckPort of [undefined, '', 'traffic-port', 'TRAFFIC-PORT', ' Traffic-Port ']) {
      const tg = {Port: 80, HealthCheckPort}
      expect(checksTrafficPort(tg), String(HealthCheckPort)).toBe(true)
      expect(explicitHealthCheckPort(tg)).toBeUndefined()
      expect(healthCheckPort(tg)).toBe(80)
      expect(healthCheckPort(tg, 8080)).toBe(8080)
      expect(describeHealthCheckPort(tg)).toBe('traffic port')
    }
  })

  it('reads an explicit port as that port, whatever the target port', () => {
    const tg = {Port: 80, HealthCheckPort: '8081'}
    expect(checksTrafficPort(tg)).toBe(false)
    expect(explicitHealthCheckPort(tg)).toBe(8081)
    expect(healthCheckPort(tg, 8080)).toBe(8081)
    expect(describeHealthCheckPort(tg)).toBe('port 8081')
  })

  it('falls back to port 80 when the target group has no port either', () => {
    expect(healthCheckPort({})).toBe(80)
  })

  it('defaults the matcher to 200 and parses codes, lists and ranges', () => {
    expect(matcherCodes({})).toBe('200')
    expect(matcherCodes({Matcher: {HttpCode: '200-399'}})).toBe('200-399')
    expect(parseMatcher('200,302')).toEqual([{from: 200, to: 200}, {from: 302, to: 302}])
    expect(parseMatcher(' 200 - 299 ')).toEqual([{from: 200, to: 299}])
    expect(parseMatcher('abc,12')).toEqual([])
  })

  it.each([
    ['200', 200, true],
    ['200', 204, false],
    ['200,302', 302, true],
    ['200-399', 301, true],
    ['200-299', 301, false],
    ['0-99', 0, false],
  ])('matcher %s accepts %i: %s', (matcher, code, ok) => {
    expect(matcherAccepts(matcher, code)).toBe(ok)
  })
})
