/**
 * The human report: leads with the root causes, folds the symptoms each explains under it, ends with what could
 * not be checked. Colour through an injected chalk instance (level 0 = plain text), so tests read plain output.
 * Prose wraps (options.wrap) under its own marker; commands never wrap (one per line, ready to paste), and ids and
 * ARNs never break (./wrap.ts).
 */
import type {ChalkInstance} from 'chalk'
import type {Report, RootCause} from '../analyze/report.js'
import type {Finding, Severity} from '../rules/types.js'
import {timelineText} from '../history/timeline.js'
import {unwrapped} from './wrap.js'
import type {Hanging} from './wrap.js'
import {CHECK_ICON, HEADLINE_ICON, ICON, describeAsg, describeTarget, evidenceShown, tally, targetHealth, view} from './view.js'

export interface TextOptions {
  chalk: ChalkInstance
  /** List every check, passed ones included, and every evidence line. */
  verbose?: boolean
  /** How prose is laid out: `await hangingTo(outputWidth(...))` from ./wrap.ts; no wrapping by default. */
  wrap?: Hanging
}

/** The overview's labels are padded to one column, so the values line up. */
const LABEL = 11

export function renderText(report: Report, options: TextOptions): string {
  const c = options.chalk
  const hanging = options.wrap ?? unwrapped
  const paint = (s: Severity, text: string) =>
    s === 'critical' ? c.bold.red(text) : s === 'error' ? c.red(text) : s === 'warning' ? c.yellow(text) : c.cyan(text)
  const field = (label: string, value: string) => hanging(`  ${c.dim(label)}${' '.repeat(Math.max(LABEL - label.length, 1))}`, value)
  const v = view(report)
  const o = report.overview
  const t = report.target
  const out: string[] = []

  out.push(...hanging('', `${c.bold(t.name)} ${c.dim(`(${describeTarget(report)})`)}`))
  if (t.dnsName) out.push(...field('DNS', t.dnsName))
  out.push(...field('Listeners', o.listeners.length ? o.listeners.map((l) => `${l.protocol}:${l.port}`).join(', ') : 'none'))
  for (const tg of o.targetGroups) {
    const health = targetHealth(tg)
    out.push(...field('Targets', `${tg.name} ${c.dim(`(${tg.protocol}:${tg.port}; health check ${tg.healthCheck})`)}: ${health.allHealthy ? c.green(health.text) : c.red(health.text)}`))
  }
  for (const g of o.autoScalingGroups) out.push(...field('ASG', `${describeAsg(g)}${g.attached ? '' : c.yellow(' · not attached to this ALB')}`))
  if (o.idleTimeoutSeconds !== undefined) out.push(...field('Idle', `${o.idleTimeoutSeconds} s ALB idle timeout`))
  out.push(...field('Collected', `${report.collectedAt}${o.endpointUrl ? c.yellow(` from ${o.endpointUrl} (endpoint override)`) : ''}`))
  out.push('')

  const tone = v.headline.tone === 'ok' ? c.bold.green : v.headline.tone === 'attention' ? c.bold.yellow : c.bold.red
  out.push(...hanging(tone(`${HEADLINE_ICON[v.headline.tone]} `), tone(v.headline.text)), '')

  v.numbered.forEach((root, i) => out.push(...renderRoot(root, i + 1)))

  if (v.others.length) {
    out.push(c.bold('Also worth a look'))
    for (const f of v.others) out.push(...renderFinding(f, '  ', false))
    out.push('')
  }

  if (v.timeline && report.history) {
    const [title, ...rest] = timelineText(v.timeline, {wrap: (prefix, text) => hanging(prefix, text)})
    out.push(c.bold(title), ...rest)
    for (const u of report.history.unavailable) out.push(...hanging(`  ${c.yellow(CHECK_ICON['could-not-check'])} `, `${u.api} ${u.reason}: the timeline lacks ${u.missing}.`))
    for (const note of report.history.notes) out.push(...hanging(`  ${c.dim('Note:')} `, c.dim(note)))
    out.push('')
  }

  if (v.blocked.length) {
    out.push(c.bold.yellow(`Could not check (${v.blocked.length})`))
    for (const ch of v.blocked) out.push(...hanging(`  ${c.yellow(CHECK_ICON['could-not-check'])} `, `${ch.title} ${c.dim(`[${ch.ruleId}]`)}: ${ch.reason}`))
    out.push('')
  }

  if (options.verbose) {
    out.push(c.bold('Checks'))
    for (const ch of report.checks) {
      const icon = CHECK_ICON[ch.status]
      const mark = ch.status === 'pass' ? c.green(icon) : ch.status === 'fail' ? c.red(icon) : ch.status === 'not-applicable' ? c.dim(icon) : c.yellow(icon)
      out.push(...hanging(`  ${mark} `, `${ch.title} ${c.dim(`[${ch.ruleId}]`)}${ch.reason ? c.dim(` — ${ch.reason}`) : ''}`))
    }
    out.push('')
  }

  out.push(...hanging('', c.dim(tally(report) + (options.verbose ? '' : ' (--verbose lists every check)'))))
  for (const note of report.notes) out.push(...hanging(c.dim('Note: '), c.dim(note)))
  return out.join('\n') + '\n'

  function renderRoot(root: RootCause, n: number): string[] {
    const lines = renderFinding(root.cause, '', true, `${n}. `)
    if (root.symptoms.length) {
      lines.push(`   ${c.dim('This explains:')}`)
      for (const s of root.symptoms) lines.push(...hanging(`     ${paint(s.severity, ICON[s.severity])} `, `${s.message} ${c.dim(`[${s.ruleId}]`)}`))
    }
    lines.push('')
    return lines
  }

  function renderFinding(f: Finding, indent: string, full: boolean, prefix = ''): string[] {
    const pad = indent + ' '.repeat(Math.max(prefix.length, 2) + 1)
    const sure = f.confidence === 'certain' ? '' : c.dim(` (${f.confidence})`)
    const lines = hanging(`${indent}${prefix}${paint(f.severity, `${ICON[f.severity]} ${f.severity.toUpperCase()}`)} `, `${c.bold(f.title)}${sure} ${c.dim(`[${f.ruleId}]`)}`, pad)
    lines.push(...hanging(pad, f.message))
    if (full || options.verbose) {
      const ev = evidenceShown(f, options.verbose)
      for (const e of ev.lines) lines.push(...hanging(`${pad}${c.dim('·')} `, e))
      if (ev.more > 0) lines.push(`${pad}${c.dim(`· … ${ev.more} more (--verbose)`)}`)
    }
    lines.push(...hanging(`${pad}${c.green('Fix:')} `, f.remediation.summary))
    // Commands are pasted into a shell: never wrapped, whatever the width.
    for (const cmd of f.remediation.commands ?? []) lines.push(`${pad}  ${c.cyan(cmd)}`)
    if (f.remediation.console) lines.push(...hanging(`${pad}  ${c.dim('Console:')} `, f.remediation.console))
    return lines
  }
}
