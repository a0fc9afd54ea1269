/**
 * The report as Markdown, to paste into a ticket or an incident channel. Same content and order as the text report
 * (./view.ts decides both). No tables for findings: evidence, reasons and health-check settings make long cells,
 * which lists carry better; the timeline of the evidence over time is one, a row per signal. Text from the account is escaped so that it reads as written (`Host: <private IP>` is not HTML);
 * commands go in fenced blocks, one per line, ready to paste.
 */
import type {Report} from '../analyze/report.js'
import type {Finding} from '../rules/types.js'
import {timelineMarkdown} from '../history/timeline.js'
import {CHECK_ICON, HEADLINE_ICON, describeAsg, describeTarget, evidenceShown, tally, targetHealth, view} from './view.js'

export interface MarkdownOptions {
  /** List every check and every evidence line, as the text report's --verbose does. */
  verbose?: boolean
}

/** Escapes what Markdown would otherwise read as markup or HTML; line breaks become spaces. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .replace(/[\\`*_[\]<>|]/g, (ch) => `\\${ch}`)
    .replace(/^(\s*)([#+-]|\d+[.)])(?=\s|$)/, '$1\\$2')
}

/** Inline code, with a fence longer than any run of backticks inside. */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  return longest > 0 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`
}

function fenced(lines: string[]): string[] {
  const longest = Math.max(0, ...lines.flatMap((l) => (l.match(/`+/g) ?? []).map((run) => run.length)))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return [`${fence}sh`, ...lines, fence]
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const t = report.target
  const o = report.overview
  const v = view(report)
  const md = escapeMarkdown
  const out: string[] = []

  out.push(`# asg-doctor: ${md(t.name)} (${t.region})`, '')
  out.push(`**${HEADLINE_ICON[v.headline.tone]} ${md(v.headline.text)}**`, '')
  out.push(`- **Status:** ${report.status}`)
  out.push(`- **Load balancer:** ${code(t.loadBalancerArn)} (${md(describeTarget(report))})`)
  if (t.dnsName) out.push(`- **DNS name:** ${code(t.dnsName)}`)
  out.push(`- **Listeners:** ${o.listeners.length ? o.listeners.map((l) => `${l.protocol}:${l.port}`).join(', ') : 'none'}`)
  for (const tg of o.targetGroups) {
    out.push(`- **Target group ${md(tg.name)}:** ${targetHealth(tg).text} (${tg.protocol}:${tg.port}; health check ${md(tg.healthCheck)})`)
  }
  for (const g of o.autoScalingGroups) out.push(`- **Auto Scaling group:** ${md(describeAsg(g))}${g.attached ? '' : ' — not attached to this ALB'}`)
  if (o.idleTimeoutSeconds !== undefined) out.push(`- **Idle timeout:** ${o.idleTimeoutSeconds} s`)
  out.push(`- **Collected:** ${report.collectedAt}${o.endpointUrl ? ` from ${code(o.endpointUrl)} (endpoint override)` : ''}`, '')

  const finding = (f: Finding, heading: string, full: boolean): string[] => {
    const sure = f.confidence === 'certain' ? '' : ` (${f.confidence})`
    const lines = [`${heading} ${f.severity.toUpperCase()}: ${md(f.title)}${sure} ${code(f.ruleId)}`, '', md(f.message), '']
    if (full || options.verbose) {
      const ev = evidenceShown(f, options.verbose)
      if (ev.lines.length) lines.push(...ev.lines.map((e) => `- ${md(e)}`), ...(ev.more > 0 ? [`- … ${ev.more} more (--verbose)`] : []), '')
    }
    lines.push(`**Fix:** ${md(f.remediation.summary)}`, '')
    if (f.remediation.commands?.length) lines.push(...fenced(f.remediation.commands), '')
    if (f.remediation.console) lines.push(`Console: ${md(f.remediation.console)}`, '')
    return lines
  }

  if (v.numbered.length) out.push('## Root causes', '')
  v.numbered.forEach((root, i) => {
    out.push(...finding(root.cause, `### ${i + 1}.`, true))
    if (root.symptoms.length) out.push('This explains:', '', ...root.symptoms.map((s) => `- ${s.severity.toUpperCase()}: ${md(s.message)} (${code(s.ruleId)})`), '')
  })
  if (v.others.length) {
    out.push('## Also worth a look', '')
    for (const f of v.others) out.push(...finding(f, '###', false))
  }
  if (v.timeline && report.history) {
    const t = v.timeline
    out.push(`## Since ${t.window.start.replace(/\.\d+Z$/, 'Z')}`, '', ...timelineMarkdown(t), '')
    if (report.history.unavailable.length) out.push(...report.history.unavailable.map((u) => `- ${code(u.api)} ${md(u.reason)}: the timeline lacks ${md(u.missing)}.`), '')
    if (report.history.notes.length) out.push(...report.history.notes.map((n) => `- Note: ${md(n)}`), '')
  }
  if (v.blocked.length) {
    out.push(`## Could not check (${v.blocked.length})`, '', ...v.blocked.map((c) => `- ${md(c.title)} (${code(c.ruleId)}): ${md(c.reason ?? '')}`), '')
  }
  if (options.verbose) {
    out.push('## Checks', '', ...report.checks.map((c) => `- ${CHECK_ICON[c.status]} ${md(c.title)} (${code(c.ruleId)})${c.reason ? ` — ${md(c.reason)}` : ''}`), '')
  }
  out.push(`_${tally(report)}_`)
  // Notes are the tool's own sentences, written with Markdown code spans for the commands they quote.
  for (const note of report.notes) out.push('', `> Note: ${note}`)
  return out.join('\n') + '\n'
}
