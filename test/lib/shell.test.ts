import {execFileSync} from 'node:child_process'
import {describe, expect, it} from 'vitest'
import {cmd, jsonArg, raw, shellCommand, shq} from '../../src/lib/shell.js'

/** Runs `printf '%s\0'` over the words bash makes of `words`: what a pasted command would receive as argv. */
function argvOf(words: string): string[] {
  const out = execFileSync('bash', ['-c', `printf '%s\\0' ${words}`], {encoding: 'utf8'})
  return out.split('\0').slice(0, -1)
}

const HOSTILE = [
  "it's",
  'a b',
  '$(touch /tmp/asg-doctor-pwned)',
  '`id`',
  'line1\nline2',
  '"double"',
  '; rm -rf ~',
  '$HOME',
  '*',
  '',
  "'",
  "''\\'",
  'tab\there',
  '!history',
]

describe('shq', () => {
  it('leaves plain ids bare', () => {
    expect(shq('sg-0123abcd')).toBe('sg-0123abcd')
    expect(shq('arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/abc')).toBe(
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/abc',
    )
    expect(shq(80)).toBe('80')
  })

  it.each(HOSTILE)('makes %j one literal argument', (value) => {
    expect(argvOf(shq(value))).toEqual([value])
  })
})

describe('shellCommand and cmd', () => {
  it('quote values, keep raw tokens, drop undefined', () => {
    const name = "web asg$(id)"
    const line = shellCommand('aws', 'autoscaling', 'describe-auto-scaling-groups', '--auto-scaling-group-names', name, undefined, raw('--output json'))
    expect(argvOf(line)).toEqual(['aws', 'autoscaling', 'describe-auto-scaling-groups', '--auto-scaling-group-names', name, '--output', 'json'])
  })

  it('cmd quotes every interpolated value and splices arrays', () => {
    const name = "it's `x`"
    const line = cmd`aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${name} ${['--region', 'eu-west-1']}`
    expect(argvOf(line)).toEqual(['aws', 'autoscaling', 'update-auto-scaling-group', '--auto-scaling-group-name', name, '--region', 'eu-west-1'])
  })
})

describe('cmd keeps quoted values intact', () => {
  it('never touches spaces inside a value, and drops an absent token with its space', () => {
    const name = 'two  spaces   and\n  a newline '
    const line = cmd`aws autoscaling describe-scheduled-actions --auto-scaling-group-name ${name} ${undefined} --max-items ${10}`
    expect(line).toBe(`aws autoscaling describe-scheduled-actions --auto-scaling-group-name ${shq(name)} --max-items 10`)
    expect(argvOf(line)).toEqual(['aws', 'autoscaling', 'describe-scheduled-actions', '--auto-scaling-group-name', name, '--max-items', '10'])
  })

  it('reads a raw token as its text in a plain template too', () => {
    expect(`x ${raw('--region eu-west-1')}`).toBe('x --region eu-west-1')
  })

  it('makes a JSON argument one word that parses back to the value', () => {
    const value = [{GroupId: "sg-1'$(id)`x`\n"}]
    expect(JSON.parse(argvOf(jsonArg(value))[0])).toEqual(value)
  })
})
