/**
 * Root causes over symptoms: a finding may say which others it explains (`explains: [{ruleId, resource}]`), and the
 * report leads with the findings nothing else explains, each with everything below it. Pure: no I/O.
 */
import type {Finding} from '../rules/types.js'
import {compareFindings} from './report.js'
import type {RootCause} from './report.js'

/** Two findings with one key would make links ambiguous; the later ones get a numeric suffix. */
export function dedupeKeys(findings: Finding[]): Finding[] {
  const seen = new Map<string, number>()
  return findings.map((f) => {
    const n = seen.get(f.key) ?? 0
    seen.set(f.key, n + 1)
    return n === 0 ? f : {...f, key: `${f.key}#${n + 1}`}
  })
}

/**
 * Builds the cause → symptom graph from each finding's `explains` references, and returns the findings
 * that nothing explains (the root causes), each with everything below it. A root that explains more comes
 * first, then by severity and confidence. Cycles (two findings claiming to explain each other) are broken by
 * keeping both as roots.
 */
export function linkRootCauses(findings: Finding[]): RootCause[] {
  const children = new Map<string, Finding[]>()
  const explainedBy = new Map<string, Set<string>>()
  for (const cause of findings) {
    for (const ref of cause.explains ?? []) {
      for (const symptom of findings) {
        if (symptom === cause || symptom.ruleId !== ref.ruleId) continue
        if (ref.resource !== undefined && !symptom.resources.includes(ref.resource)) continue
        if (!children.has(cause.key)) children.set(cause.key, [])
        if (!children.get(cause.key)!.includes(symptom)) children.get(cause.key)!.push(symptom)
        if (!explainedBy.has(symptom.key)) explainedBy.set(symptom.key, new Set())
        explainedBy.get(symptom.key)!.add(cause.key)
      }
    }
  }

  const descendants = (f: Finding): Finding[] => {
    const out: Finding[] = []
    const seen = new Set<string>([f.key])
    const stack = [...(children.get(f.key) ?? [])]
    while (stack.length > 0) {
      const s = stack.shift()!
      if (seen.has(s.key)) continue
      seen.add(s.key)
      out.push(s)
      stack.push(...(children.get(s.key) ?? []))
    }
    return out.sort(compareFindings)
  }

  // A finding is a root unless something explains it that is not, in turn, explained by it (a cycle).
  const isRoot = (f: Finding) => {
    const causes = explainedBy.get(f.key)
    if (!causes) return true
    const below = new Set(descendants(f).map((d) => d.key))
    return [...causes].every((c) => below.has(c))
  }

  const roots = findings.filter(isRoot).map((cause) => ({cause, symptoms: descendants(cause)}))
  return roots.sort(
    (a, b) =>
      Number(b.symptoms.length > 0) - Number(a.symptoms.length > 0) ||
      compareFindings(a.cause, b.cause) ||
      b.symptoms.length - a.symptoms.length,
  )
}
