/** The evidence over time in the human reports: the text's "Since" section and the markdown's table. */
import {Chalk} from 'chalk'
import {describe, expect, it} from 'vitest'
import {analyze} from '../../src/analyze/engine.js'
import {renderMarkdown} from '../../src/render/markdown.js'
import {renderText} from '../../src/render/text.js'
import {hangingTo} from '../../src/render/wrap.js'
import type {Snapshot} from '../../src/snapshot/types.js'
import {healthyWorld} from '../fixtures/world.js'
import {change, section, series} from '../history/section.js'

const flat = (n: number, v = 0) => Array.from({length: n}, () => v)

function world(): Snapshot {
  const w = healthyWorld()
  w.history = section(
    180,
    [
      series('m0', 'HTTPCode_ELB_5XX_Count', [...flat(120), ...flat(60, 20)]),
      series('m1', 'HTTPCode_ELB_502_Count', [...flat(120), ...flat(60, 20)]),
      series('m6', 'RequestCount', flat(180, 400)),
    ],
    [change(110, 'CreateLaunchTemplateVersion', 'lt-0abc', 'arn:aws:iam::123456789012:user/<bob>_ops')],
  )
  w.history.notes = ['Access logs are off on the load balancer (access_logs.s3.enabled is not true): no per-request evidence.']
  w.errors.push({api: 'cloudtrail:LookupEvents', resource: 'web-asg', code: 'AccessDeniedException', message: 'denied', accessDenied: true})
  return w
}

const plain = new Chalk({level: 0})

describe('the Since section of the text report', () => {
  it('draws one sparkline per signal, the changes, the summary and what could not be read, within 80 columns', async () => {
    const text = renderText(analyze(world()), {chalk: plain, wrap: await hangingTo(80)})
    const lines = text.split('\n')
    const start = lines.indexOf('Since 18:00 UTC (3 h to 21:00; one column = 4 min)')
    expect(start).toBeGreaterThan(0)
    const part = lines.slice(start, lines.indexOf('', start))
    expect(part[1]).toBe(`  5xx, all         ${'▁'.repeat(30)}${'█'.repeat(15)}  1,200 in all`)
    expect(part).toContain(`  requests         ${'█'.repeat(45)}  72,000 in all`)
    expect(part.find((l) => l.startsWith('  changes'))).toBe(`  changes          ${'·'.repeat(27)}1${'·'.repeat(17)}`)
    expect(part).toContain('    1 19:50 CreateLaunchTemplateVersion lt-0abc by')
    const prose = part.join(' ').replace(/\s+/g, ' ')
    expect(prose).toMatch(/began at 20:00 UTC, steady; the nearest change before: CreateLaunchTemplateVersion on lt-0abc by arn:aws:iam::123456789012:user\/<bob>_ops at 19:50 \(10 min before\)/)
    expect(prose).toContain('? cloudtrail:LookupEvents denied (needs IAM permission cloudtrail:LookupEvents): the timeline lacks the CloudTrail changes')
    expect(prose).toContain('Note: Access logs are off on the load balancer')
    expect(part.every((l) => [...l].length <= 80), part.join('\n')).toBe(true)
  })

  it('comes after the findings and before what could not be checked', () => {
    const text = renderText(analyze(world()), {chalk: plain})
    expect(text.indexOf('Since 18:00 UTC')).toBeGreaterThan(text.indexOf('✔ '))
    expect(text.indexOf('Since 18:00 UTC')).toBeLessThan(text.indexOf(' passed · '))
  })

  it('is absent without a history section, and when history is turned off', () => {
    expect(renderText(analyze(healthyWorld()), {chalk: plain})).not.toMatch(/^Since /m)
    expect(renderText(analyze(world(), {history: false}), {chalk: plain})).not.toMatch(/^Since |cloudtrail:LookupEvents/m)
    expect(renderMarkdown(analyze(world(), {history: false}))).not.toContain('## Since')
  })
})

describe('the timeline in the markdown report', () => {
  const md = renderMarkdown(analyze(world()))

  it('is a table with a row per signal and one per change, text from the account escaped', () => {
    expect(md).toContain('## Since 2026-11-29T18:00:00Z')
    expect(md).toContain(`| 5xx (load balancer + targets, CloudWatch) | \`${'▁'.repeat(30)}${'█'.repeat(15)}\` | 1,200 | 80 |`)
    expect(md).toContain('| 1 | 19:50 | CreateLaunchTemplateVersion | lt-0abc | arn:aws:iam::123456789012:user/\\<bob\\>\\_ops | cloudtrail |')
    expect(md).toContain('- `cloudtrail:LookupEvents` denied (needs IAM permission cloudtrail:LookupEvents): the timeline lacks the CloudTrail changes (who changed what) to the resources in scope.')
  })
})
