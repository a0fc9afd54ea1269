import {describe, expect, it} from 'vitest'
import {actionMatches, evaluateAction, evaluateSsmPermissions, REQUIRED_ACTIONS} from '../../../src/rules/ssm/policy.js'
import type {NamedDocument} from '../../../src/rules/ssm/policy.js'
import type {PolicyDocument} from '../../../src/snapshot/iam-ssm-types.js'
import {SSM_CORE_DOCUMENT} from '../../fixtures/ssm.js'

const doc = (name: string, document: PolicyDocument): NamedDocument => ({name, document})
const allow = (Action: string | string[], extra: object = {}): PolicyDocument => ({Version: '2012-10-17', Statement: {Effect: 'Allow', Action, Resource: '*', ...extra}})

describe('actionMatches', () => {
  it('matches * and ? wildcards, case-insensitively', () => {
    expect(actionMatches('ssm:*', 'ssm:UpdateInstanceInformation')).toBe(true)
    expect(actionMatches('*', 'ec2messages:GetMessages')).toBe(true)
    expect(actionMatches('SSMMESSAGES:open*channel', 'ssmmessages:OpenDataChannel')).toBe(true)
    expect(actionMatches('ec2messages:?etMessages', 'ec2messages:GetMessages')).toBe(true)
    expect(actionMatches('ec2messages:?Messages', 'ec2messages:GetMessages')).toBe(false)
    expect(actionMatches('ssm:Get*', 'ssm:UpdateInstanceInformation')).toBe(false)
    expect(actionMatches('ssm:UpdateInstance', 'ssm:UpdateInstanceInformation')).toBe(false)
  })
})

describe('evaluateSsmPermissions', () => {
  it('finds everything allowed by AmazonSSMManagedInstanceCore', () => {
    const r = evaluateSsmPermissions([doc('core', SSM_CORE_DOCUMENT)])
    expect(r).toEqual({missing: [], uncertain: [], missingRecommended: []})
  })

  it('accepts ssm:*, ssmmessages:* and ec2messages:* together, and a bare *', () => {
    expect(evaluateSsmPermissions([doc('wide', allow(['ssm:*', 'ssmmessages:*', 'ec2messages:*']))]).missing).toEqual([])
    expect(evaluateSsmPermissions([doc('admin', allow('*'))]).missing).toEqual([])
  })

  it('reports ssmmessages and ec2messages missing when only ssm:* is granted', () => {
    const r = evaluateSsmPermissions([doc('ssm-only', allow('ssm:*'))])
    expect(r.missing.map((v) => v.action)).toEqual(REQUIRED_ACTIONS.filter((a) => !a.startsWith('ssm:')))
    expect(r.missing.every((v) => v.verdict === 'implicitly-denied')).toBe(true)
    expect(r.missingRecommended).toEqual([])
  })

  it('lets an explicit Deny win over an Allow, whichever policy holds it', () => {
    const deny: PolicyDocument = {Statement: [{Sid: 'NoSessions', Effect: 'Deny', Action: 'ssmmessages:*', Resource: '*'}]}
    const r = evaluateSsmPermissions([doc('core', SSM_CORE_DOCUMENT), doc('inline policy lockdown', deny)])
    expect(r.missing.map((v) => v.action)).toEqual(['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'])
    expect(r.missing[0]).toMatchObject({verdict: 'denied', reason: 'explicit Deny in inline policy lockdown (Sid NoSessions)'})
  })

  it('evaluates NotAction: Allow everything except ec2messages', () => {
    const r = evaluateSsmPermissions([doc('not', {Statement: [{Effect: 'Allow', NotAction: ['ec2messages:*', 'iam:*'], Resource: '*'}]})])
    expect(r.missing.map((v) => v.action)).toEqual(REQUIRED_ACTIONS.filter((a) => a.startsWith('ec2messages:')))
  })

  it('treats a Deny with NotAction as denying everything else', () => {
    const r = evaluateAction([doc('core', SSM_CORE_DOCUMENT), doc('guard', {Statement: [{Effect: 'Deny', NotAction: 's3:*', Resource: '*'}]})], 'ssm:UpdateInstanceInformation')
    expect(r.verdict).toBe('denied')
  })

  it('does not trust a policy whose name says SSM but grants nothing of it', () => {
    const r = evaluateSsmPermissions([doc('managed policy SSMFullAccessForWeb', allow(['s3:GetObject', 'logs:PutLogEvents']))])
    expect(r.missing).toHaveLength(REQUIRED_ACTIONS.length)
  })

  it('reports a conditional Allow as uncertain, not allowed', () => {
    const conditional = allow(['ssm:*', 'ssmmessages:*', 'ec2messages:*'], {Condition: {StringEquals: {'aws:SourceVpc': 'vpc-1'}}})
    const r = evaluateSsmPermissions([doc('conditional', conditional)])
    expect(r.missing).toEqual([])
    expect(r.uncertain).toHaveLength(REQUIRED_ACTIONS.length)
    expect(r.uncertain[0].reason).toContain('has a Condition (StringEquals)')
  })

  it('reports an Allow scoped to specific resources as uncertain', () => {
    const scoped: PolicyDocument = {Statement: {Effect: 'Allow', Action: 'ssm:UpdateInstanceInformation', Resource: 'arn:aws:ec2:*:*:instance/i-1'}}
    expect(evaluateAction([doc('scoped', scoped)], 'ssm:UpdateInstanceInformation')).toMatchObject({verdict: 'uncertain'})
  })

  it('reports a conditional Deny over an Allow as uncertain', () => {
    const deny: PolicyDocument = {Statement: [{Effect: 'Deny', Action: '*', Resource: '*', Condition: {Bool: {'aws:SecureTransport': 'false'}}}]}
    expect(evaluateAction([doc('core', SSM_CORE_DOCUMENT), doc('tls', deny)], 'ssm:UpdateInstanceInformation')).toMatchObject({verdict: 'uncertain'})
  })

  it('reads a single Statement object and an empty document', () => {
    expect(evaluateAction([doc('one', allow('ssm:UpdateInstanceInformation'))], 'ssm:UpdateInstanceInformation').verdict).toBe('allowed')
    expect(evaluateAction([doc('empty', {})], 'ssm:UpdateInstanceInformation').verdict).toBe('implicitly-denied')
  })

  it('reports the recommended actions separately', () => {
    const r = evaluateSsmPermissions([doc('core-only-required', allow([...REQUIRED_ACTIONS]))])
    expect(r.missing).toEqual([])
    expect(r.missingRecommended.map((v) => v.action)).toContain('ssm:ListInstanceAssociations')
  })
})
