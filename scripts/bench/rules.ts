/**
 * Time each rule's check over one snapshot, and the analysis as a whole: where the analysis of a large world spends
 * its CPU. A script that prints figures, never a test.
 *
 *   npx tsx scripts/bench/rules.ts big.json [--runs 5]
 *
 * Every rule runs against a fresh AnalysisContext per run, as `analyze` would build it, so indexes a rule builds
 * lazily count against the first rule that asks for them. The MB column is the growth of the heap during the
 * check: what it allocates, as long as no collection runs in between, so give V8 a young generation that holds it:
 *
 *   node --max-semi-space-size=256 --import tsx scripts/bench/rules.ts big.json
 */
import {performance} from 'node:perf_hooks'
import {AnalysisContext} from '../../src/analyze/context.js'
import {analyze} from '../../src/analyze/engine.js'
import {allRules} from '../../src/rules/index.js'
import {readSnapshot} from '../../src/snapshot/io.js'

const argv = process.argv.slice(2)
const file = argv.find((a) => !a.startsWith('--'))
if (!file) {
  console.error('usage: npx tsx scripts/bench/rules.ts <snapshot.json> [--runs N]')
  process.exit(2)
}
const runsArg = argv.indexOf('--runs')
const RUNS = runsArg >= 0 ? Number(argv[runsArg + 1]) : 5

const snapshot = await readSnapshot(file)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const perRule = new Map<string, number[]>()
const allocated = new Map<string, number[]>()
for (let run = 0; run < RUNS; run++) {
  const ctx = new AnalysisContext<string>(snapshot)
  for (const rule of allRules) {
    const heap = process.memoryUsage().heapUsed
    const start = performance.now()
    try {
      rule.check(ctx)
    } catch {
      // The engine reports a throwing rule as could-not-check; its time still counts here.
    }
    perRule.set(rule.id, [...(perRule.get(rule.id) ?? []), performance.now() - start])
    allocated.set(rule.id, [...(allocated.get(rule.id) ?? []), Math.max(0, process.memoryUsage().heapUsed - heap) / 1048576])
  }
}
const whole: number[] = []
for (let run = 0; run < RUNS; run++) {
  const start = performance.now()
  analyze(snapshot)
  whole.push(performance.now() - start)
}

const rows = [...perRule].map(([id, ms]) => ({id, ms: median(ms), mb: median(allocated.get(id) ?? [0])})).sort((a, b) => b.ms - a.ms)
console.log(`${snapshot.ec2.Instances.length} instances, median of ${RUNS} runs`)
for (const r of rows) console.log(`${r.ms.toFixed(1).padStart(9)} ms ${r.mb.toFixed(1).padStart(7)} MB  ${r.id}`)
console.log(`${rows.reduce((s, r) => s + r.ms, 0).toFixed(1).padStart(9)} ms  all rules`)
console.log(`${median(whole).toFixed(1).padStart(9)} ms  analyze() (rules, ordering, root causes, overview)`)
