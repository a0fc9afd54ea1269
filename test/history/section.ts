/** A history section built from per-minute values, for the analysis and timeline tests. */
import type {ChangeEvent, HistorySection, MetricSeries} from '../../src/snapshot/history-types.js'

export const START = Date.parse('2026-11-29T18:00:00Z')
export const minute = (m: number) => new Date(START + m * 60_000).toISOString()

export function series(id: string, metric: string, values: (number | undefined)[], dims: Record<string, string> = {LoadBalancer: 'app/web/50dc6c495c0c9188'}, stat = 'Sum'): MetricSeries {
  const points = values.map((v, k) => [k, v] as const).filter((p): p is readonly [number, number] => p[1] !== undefined)
  return {id, label: `${metric} (${stat})`, namespace: 'AWS/ApplicationELB', metric, stat, dimensions: dims, timestamps: points.map(([k]) => minute(k)), values: points.map(([, v]) => v)}
}

export function section(minutes: number, s: MetricSeries[], changes: ChangeEvent[] = []): HistorySection {
  return {
    version: 1,
    window: {start: minute(0), end: minute(minutes)},
    metrics: {periodSeconds: 60, series: s, calls: 1},
    changes: {events: changes, lookedUp: [], skipped: [], truncated: false, launchTemplates: []},
    notes: [],
  }
}

export const change = (m: number, what: string, resource: string, who?: string): ChangeEvent => ({time: minute(m), source: 'cloudtrail', what, resources: [resource], ...(who ? {who} : {})})
