/**
 * The rule convention, checked for every pack at once: `src/rules/<pack>/<rule-id>.ts` exports `rule` with that
 * id; every such rule is registered in allRules exactly once; every catalogue entry has its rule and every rule
 * its entry; and every registered rule runs on the fixture worlds, returning an outcome without throwing.
 */
import {readdirSync} from 'node:fs'
import {basename, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import {AnalysisContext} from '../../src/analyze/context.js'
import {catalogueEntries} from '../../src/rules/catalogue/index.js'
import {allRules} from '../../src/rules/index.js'
import type {Rule} from '../../src/rules/types.js'
import {outcomeReason} from '../../src/rules/types.js'
import type {Snapshot} from '../../src/snapshot/types.js'
import {healthySsmWorld} from '../fixtures/ssm.js'
import {healthyWorld} from '../fixtures/world.js'
import {sample, worldWith} from './instance/helpers.js'
import {quietHistory} from '../history/section.js'
import {worldWithHistory} from './history/helpers.js'

const RULES_DIR = fileURLToPath(new URL('../../src/rules/', import.meta.url))
const PACKS = readdirSync(RULES_DIR, {withFileTypes: true})
  .filter((d) => d.isDirectory() && d.name !== 'catalogue')
  .map((d) => d.name)

interface RuleFile {
  path: string
  name: string
  rule?: Rule
}

const files: RuleFile[] = await Promise.all(
  PACKS.flatMap((pack) =>
    readdirSync(join(RULES_DIR, pack))
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map(async (f) => {
        const mod = (await import(join(RULES_DIR, pack, f))) as {rule?: Rule}
        return {path: `src/rules/${pack}/${f}`, name: basename(f, '.ts'), rule: mod.rule}
      }),
  ),
)
const QUIET = quietHistory()
const catalogueIds: string[] = catalogueEntries.map((m) => m.id)
const ruleFiles = files.filter((f) => f.rule !== undefined)

describe('rule registration', () => {
  it('finds the packs and their rule files (the test itself looks in the right place)', () => {
    expect(PACKS.sort()).toEqual(['health', 'history', 'instance', 'network', 'ssm'])
    expect(ruleFiles.length).toBe(allRules.length)
  })

  it('names every rule file after the id of the rule it exports', () => {
    expect(ruleFiles.filter((f) => f.rule!.id !== f.name).map((f) => `${f.path} exports ${f.rule!.id}`)).toEqual([])
  })

  it('gives every catalogue id exactly one rule file, which exports its rule', () => {
    for (const id of catalogueIds) {
      const named = files.filter((f) => f.name === id)
      expect(named.map((f) => f.path), id).toHaveLength(1)
      expect(named[0].rule?.id, `${named[0].path} must export rule`).toBe(id)
    }
  })

  it('registers every rule in allRules exactly once, and nothing else', () => {
    const ids = allRules.map((r) => r.id)
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([])
    expect([...ids].sort()).toEqual([...catalogueIds].sort())
    // The very objects the files export, not look-alikes: a rule left out of its pack's index never runs.
    expect(ruleFiles.filter((f) => !allRules.includes(f.rule!)).map((f) => f.path)).toEqual([])
  })

  it('lists each catalogue id once', () => {
    expect(catalogueIds.filter((id, i) => catalogueIds.indexOf(id) !== i)).toEqual([])
  })

  const worlds: [string, () => Snapshot][] = [
    ['the healthy world without SSM or on-instance data', healthyWorld],
    ['the healthy world with SSM readiness', healthySsmWorld],
    ['the healthy world with on-instance results', () => worldWith(sample('al2023-healthy'), (w) => void healthySsmWorld(w))],
    ['the healthy world with a quiet hour of history', () => worldWithHistory(structuredClone(QUIET))],
  ]
  for (const [label, make] of worlds) {
    it(`runs every rule on ${label}: each returns an outcome and finds nothing`, () => {
      for (const rule of allRules) {
        const outcome = rule.check(new AnalysisContext(make()))
        if (Array.isArray(outcome)) expect(outcome.map((f) => f.message), rule.id).toEqual([])
        else expect(outcomeReason(outcome), rule.id).toMatch(/\w/)
      }
    })
  }

  it('runs every rule on the fully collected healthy world, none of them only "not applicable"', () => {
    const w = worldWith(sample('al2023-healthy'))
    healthySsmWorld(w)
    worldWithHistory(structuredClone(QUIET), w)
    const notApplicable = allRules.filter((r) => !Array.isArray(r.check(new AnalysisContext(w)))).map((r) => r.id)
    // Rules that only apply to an internal load balancer or to something broken may say so; the rest must check.
    expect(notApplicable).toEqual([])
  })
})
