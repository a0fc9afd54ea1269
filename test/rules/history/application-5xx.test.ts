import {describe, expect, it} from 'vitest'

import {rule} from '../../../src/rules/history/application-5xx.js'
import {INSTANCE_IDS} from '../../fixtures/world.js'
import {historySection, quietHistory} from '../../history/section.js'
import {findings, worldWithHistory} from './helpers.js'
import {keepalive, oneBadTarget} from './scenarios.js'

describe('application-5xx', () => {
  it('passes without target 5xx, even with the load balancer\'s own', () => {
    expect(findings(rule, worldWithHistory(quietHistory()))).toEqual([])
    expect(findings(rule, worldWithHistory(keepalive()))).toEqual([])
  })

  it('says it is not an infrastructure fault and points at the instance logs through SSM', () => {
    const [f] = findings(rule, worldWithHistory(oneBadTarget()))
    expect(f.message).toBe('The application on the targets answered 60 5xx itself in the window (500: 30, 503: 30); they began at 2026-11-29 18:30 UTC: not an infrastructure fault, the load balancer made none')
    expect(f.severity).toBe('error')
    expect(f.remediation.commands).toEqual([
      `aws ssm send-command --document-name AWS-RunShellScript --instance-ids ${INSTANCE_IDS[0]} --parameters '{"commands":["journalctl --since '\\''2026-11-29 18:30:00 UTC'\\'' --no-pager -p warning | tail -n 200","tail -n 200 /var/log/nginx/error.log"]}' --region us-east-1`,
      `aws ssm start-session --target ${INSTANCE_IDS[0]} --region us-east-1`,
    ])
  })

  it('reads HTTPCode_Target_5XX_Count alone, pointing at every registered instance', () => {
    const [f] = findings(rule, worldWithHistory(historySection({minutes: 60, metrics: {minutes: 60, target5xx: (m) => (m > 50 ? 3 : undefined)}})))
    expect(f.message).toContain('answered 27 5xx itself in the window')
    expect(f.remediation.commands![0]).toContain(`--instance-ids ${INSTANCE_IDS.join(' ')}`)
  })
})
