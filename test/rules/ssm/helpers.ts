import {AnalysisContext} from '../../../src/analyze/context.js'
import type {Finding, Rule} from '../../../src/rules/types.js'
import {outcomeReason} from '../../../src/rules/types.js'
import type {Snapshot} from '../../../src/snapshot/types.js'

/** Runs one rule and returns its findings; fails the test if the rule says it does not apply. */
export function findings(rule: Rule, world: Snapshot): Finding[] {
  const out = rule.check(new AnalysisContext(world))
  if (!Array.isArray(out)) throw new Error(`${rule.id} not applicable: ${outcomeReason(out)}`)
  return out
}

export function outcome(rule: Rule, world: Snapshot) {
  return rule.check(new AnalysisContext(world))
}
