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
    // LookupEvents reads the trail; kms:Decrypt is granted only through S3 (a condition), to read encrypted log objects.
    const readsByAnotherName = new Set(['cloudtrail:LookupEvents', 'kms:Decrypt'])
    const isRead = (a: string) => /^[a-z0-9-]+:(Describe|Get|List)/.test(a) || readsByAnotherName.has(a)
    expect(policyDocument('diagnose').Statement.flatMap((s) => s.Action).filter((a) => !isRead(a))).toEqual(['ssm:SendCommand', 'ssm:CancelCommand'])
    expect(policyDocument('diagnose-no-ssm').Statement.flatMap((s) => s.Action).filter((a) => !isRead(a))).toEqual([])
  })

  it('grants kms:Decrypt only through S3', () => {
    const kms = policyDocument('diagnose').Statement.find((s) => s.Action.includes('kms:Decrypt'))
    expect(kms?.Action).toEqual(['kms:Decrypt'])
    expect(kms?.Condition).toEqual({StringLike: {'kms:ViaService': 's3.*.amazonaws.com'}})
  })

  it('lists each action once', () => {
    const actions = policyDocument('fix-nginx').Statement.flatMap((s) => s.Action)
    expect(new Set(actions).size).toBe(actions.length)
  })
})
