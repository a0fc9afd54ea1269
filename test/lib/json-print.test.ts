import {describe, expect, it} from 'vitest'
import {PRINT_CHUNK, printJson} from '../../src/lib/json-print.js'

/** What console.log would have written: each printed piece followed by a newline. */
function printed(value: unknown, chunk?: number): {text: string; calls: string[]; result: boolean} {
  const calls: string[] = []
  const result = printJson(value, (lines) => calls.push(lines), chunk)
  return {text: calls.map((c) => `${c}\n`).join(''), calls, result}
}

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

const tricky = {
  schema: 'https://example.com/report.schema.json',
  empty: {},
  none: [],
  gone: undefined,
  fn: () => 1,
  when: new Date('2026-11-30T02:00:00.000Z'),
  keyed: {toJSON: (key: string) => `toJSON saw ${JSON.stringify(key)}`},
  numbers: [0, -0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e21],
  holes: [undefined, () => 1, Symbol('s'), null, {toJSON: () => undefined}],
  text: 'quotes " and \\ backslashes, a\nnewline, a tab\t, unicode é 😀, \u2028',
  boxed: [Object(5), Object('s'), Object(false)],
  point: new Point(1, 2),
  onlyGone: {a: undefined, b: () => 2},
  nested: {a: {b: {c: {d: [1, {e: []}, {}]}}}, list: [[[]], [{}], [[1, [2, {f: 'g\nh'}]]]]},
  findings: Array.from({length: 50}, (_, i) => ({ruleId: `rule-${i}`, resources: [`i-${i}`], data: {n: i, nested: {deep: [i, `${i}`]}}, gone: undefined})),
}

describe('printJson', () => {
  it.each([
    ['a report-like object', tricky],
    ['a top-level array', [tricky, [], {}, 1, 'x', null]],
    ['an empty object', {}],
    ['an empty array', []],
    ['a string', 'just "text"'],
    ['a number', 42],
    ['null', null],
    ['a date', new Date(0)],
  ])('prints %s exactly as JSON.stringify(value, undefined, 2) and a newline, whatever the chunk size', (_, value) => {
    const expected = `${JSON.stringify(value, undefined, 2)}\n`
    for (const chunk of [1, 7, 100, 4096, PRINT_CHUNK]) {
      const got = printed(value, chunk)
      expect(got.result).toBe(true)
      expect(got.text).toBe(expected)
    }
  })

  it('prints a large value in several calls of whole lines, none much larger than the chunk', () => {
    const big = {findings: Array.from({length: 3000}, (_, i) => ({ruleId: 'ssm-agent-not-online', resources: [`i-${String(i).padStart(17, '0')}`], evidence: ['line one', 'line two'], data: {i}}))}
    const expected = JSON.stringify(big, undefined, 2)
    const {calls, text} = printed(big, 16 * 1024)
    expect(text).toBe(`${expected}\n`)
    expect(calls.length).toBeGreaterThan(expected.length / (32 * 1024))
    for (const c of calls) expect(c.length).toBeLessThan(20 * 1024)
  })

  it('prints nothing and says so for a value JSON has no text for', () => {
    for (const value of [undefined, () => 1, Symbol('s'), {toJSON: () => undefined}]) {
      const got = printed(value)
      expect(got.result).toBe(false)
      expect(got.calls).toEqual([])
    }
  })

  it('throws as JSON.stringify does on a cycle, at any depth, before printing when it is found early', () => {
    const top: Record<string, unknown> = {a: 1}
    top.self = top
    const deep: {list: {child: Record<string, unknown>}[]} = {list: [{child: {}}]}
    deep.list[0].child.back = deep
    for (const value of [top, deep, [top]]) {
      const calls: string[] = []
      expect(() => printJson(value, (l) => calls.push(l))).toThrow(TypeError)
      expect(calls).toEqual([])
    }
    expect(() => printJson({n: BigInt(1)}, () => undefined)).toThrow(TypeError)
  })

  it('prints a value shared by two members twice, as JSON.stringify does (shared is not a cycle)', () => {
    const shared = {x: [1, 2]}
    const value = {a: shared, b: shared, c: [shared, shared]}
    expect(printed(value, 1).text).toBe(`${JSON.stringify(value, undefined, 2)}\n`)
  })
})
