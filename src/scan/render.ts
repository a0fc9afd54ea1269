/**
 * The scan's human views: one line per ALB, worst first (text), or one table row per ALB (markdown, for a ticket or
 * a wiki). `--json` is the ScanReport itself. The fix commands come from the reports already shell-quoted.
 */
import type {ChalkInstance} from 'chalk'
import {code, escapeMarkdown} from '../render/markdown.js'
import {awsFlagTokens} from '../lib/options.js'
import {raw, shellCommand} from '../lib/shell.js'
import type {ScanEntry, ScanReport, ScanVerdict} from './types.js'
import {VERDICT_ORDER} from './service.js'

const VERDICT_WORD: Record<ScanVerdict, string> = {problems: 'problems', error: 'error', incomplete: 'incomplete', healthy: 'healthy'}
const COUNTED: Record<ScanVerdict, string> = {problems: 'with problems', error: 'could not be read', incomplete: 'incomplete', healthy: 'healthy'}
const ICON: Record<ScanVerdict, string> = {problems: '✖', error: '?', incomplete: '▲', healthy: '✔'}

const what = (e: ScanEntry) => e.name ?? `(region ${e.region})`
const targets = (e: ScanEntry) => (e.targets ? `${e.targets.healthy}/${e.targets.total}` : '-')
const account = (e: ScanEntry) => e.account ?? (e.profile ? `profile ${e.profile}` : '-')
const cause = (e: ScanEntry) => (e.verdict === 'error' ? (e.error ?? 'could not be read') : e.leadCause ? `${e.leadCause.ruleId}: ${e.leadCause.title}` : 'no problem found')

export interface ScanTextOptions {
  chalk: ChalkInstance
  /** --endpoint-url, to carry into the suggested next command. */
  endpointUrl?: string
}

/** `✖ web-3  us-east-1  123456789012  problems  0/2  target-group-empty: … fix: aws …`, columns aligned. */
export function renderScanText(report: ScanReport, o: ScanTextOptions): string {
  const c = o.chalk
  const paint: Record<ScanVerdict, (s: string) => string> = {problems: c.red, error: c.yellow, incomplete: c.yellow, healthy: c.green}
  if (report.entries.length === 0) return `No application load balancer matched.\n${footer(report)}\n`
  const rows = report.entries.map((e) => [what(e), e.region, account(e), VERDICT_WORD[e.verdict], targets(e)])
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  const lines = report.entries.map((e, n) => {
    const cols = rows[n].map((v, i) => v.padEnd(widths[i])).join('  ')
    const fix = e.leadCause?.fix ? `  ${c.dim('fix:')} ${e.leadCause.fix}` : manySteps(e) ? `  ${c.dim(`fix: ${manySteps(e)}`)}` : ''
    return `${paint[e.verdict](ICON[e.verdict])} ${cols}  ${cause(e)}${fix}`
  })
  const worst = report.entries.find((e) => e.name && e.verdict !== 'healthy')
  const next = worst
    ? `\n${c.dim(`The full report of ${worst.name}: ${shellCommand(raw('asg-doctor diagnose'), worst.name ?? '', ...awsFlagTokens({region: worst.region, profile: worst.profile, endpointUrl: o.endpointUrl}))}`)}`
    : ''
  return `${lines.join('\n')}\n\n${footer(report)}${next}\n`
}

/** `3 ALBs: 2 with problems, 1 healthy; 1 region could not be read (58 AWS calls, 1.2 s).` */
export function footer(report: ScanReport): string {
  const s = report.summary
  const albs = report.entries.filter((e) => e.name)
  const parts = VERDICT_ORDER.map((v) => [v, albs.filter((e) => e.verdict === v).length] as const)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${COUNTED[v]}`)
  const scopes = report.entries.length - albs.length
  const unread = scopes > 0 ? `; ${scopes} region${scopes === 1 ? '' : 's'} could not be read` : ''
  return `${s.loadBalancers} ALB${s.loadBalancers === 1 ? '' : 's'}${parts.length ? `: ${parts.join(', ')}` : ''}${unread} (${s.calls} AWS calls, ${(s.ms / 1000).toFixed(1)} s).`
}

/** A table cell: account text escaped, pipes escaped even inside code. */
const cell = (text: string) => escapeMarkdown(text)
/** A fix of several commands (steps of one script, or alternatives) is not one line: the full report has them. */
const manySteps = (e: ScanReport['entries'][number]) => ((e.leadCause?.commands?.length ?? 0) > 1 ? `${e.leadCause?.commands?.length} commands, in the full report` : '')

const codeCell = (text: string) => (/\n/.test(text) ? 'see the full report' : code(text).replaceAll('|', '\\|'))

export function renderScanMarkdown(report: ScanReport): string {
  const lines = [
    `## asg-doctor scan, ${report.scannedAt}`,
    '',
    escapeMarkdown(footer(report)),
    '',
    '| | ALB | Region | Account | Verdict | Healthy targets | Lead cause | Fix |',
    '|---|---|---|---|---|---|---|---|',
    ...report.entries.map((e) =>
      [ICON[e.verdict], cell(what(e)), cell(e.region), cell(account(e)), VERDICT_WORD[e.verdict], targets(e), cell(cause(e)), e.leadCause?.fix ? codeCell(e.leadCause.fix) : manySteps(e)]
        .join(' | ')
        .replace(/^/, '| ')
        .concat(' |'),
    ),
  ]
  return `${lines.join('\n')}\n`
}
