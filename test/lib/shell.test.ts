import {execFileSync} from 'node:child_process'
import {describe, expect, it} from 'vitest'
import {cmd, raw, shellCommand, shq} from '../../src/lib/shell.js'

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
