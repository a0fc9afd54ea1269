import {describe, expect, it} from 'vitest'
import {catalogueEntries} from '../../src/rules/catalogue/index.js'
import {policyDocument} from '../../src/lib/permissions.js'

describe('the IAM policy asg-doctor prints', () => {
  it('grants every API a check reads', () => {
    const granted = new Set(policyDocument('diagnose').Statement.flatMap((s) => s.Action))
    const missing = catalogueEntries.flatMap((m) => m.requires.filter((a) => !granted.has(a)).map((a) => `${m.id}: ${a}`))
    expect(missing).toEqual([])
  })

  it('keeps diagnose read-only apart from running (and cancelling) the read-only script, and --no-ssm fully read-only', () => {
    const isRead = (a: string) => /^[a-z0-9-]+:(Describe|Get|List)/.test(a)
    expect(policyDocument('diagnose').Statement.flatMap((s) => s.Action).filter((a) => !isRead(a))).toEqual(['ssm:SendCommand', 'ssm:CancelCommand'])
    expect(policyDocument('diagnose-no-ssm').Statement.flatMap((s) => s.Action).filter((a) => !isRead(a))).toEqual([])
  })

  it('lists each action once', () => {
    const actions = policyDocument('fix-nginx').Statement.flatMap((s) => s.Action)
    expect(new Set(actions).size).toBe(actions.length)
  })
})
