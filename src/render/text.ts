/**
 * The human report: leads with the root causes, folds the symptoms each explains under it, ends with what could
 * not be checked. Colour through an injected chalk instance (level 0 = plain text), so tests read plain output.
 */
import type {ChalkInstance} from 'chalk'
import type {Report, RootCause} from '../analyze/report.js'
import type {Finding, Severity} from '../rules/types.js'

export interface TextOptions {
  chalk: ChalkInstance
  /** List every check, passed ones included, and every evidence line. */
  verbose?: boolean
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

const ICON: Record<Severity, string> = {critical: '✖', error: '✖', warning: '▲', info: 'ℹ'}
const MAX_EVIDENCE = 6

export function renderText(report: Report, options: TextOptions): string {
  const c = options.chalk
  const paint = (s: Severity, text: string) =>
    s === 'critical' ? c.bold.red(text) : s === 'error' ? c.red(text) : s === 'warning' ? c.yellow(text) : c.cyan(text)
  const out: string[] = []
  const o = report.overview
  const t = report.target

  out.push(`${c.bold(t.name)} ${c.dim(`(${t.scheme ?? 'application'} ALB, ${t.region}${t.accountId ? `, account ${t.accountId}` : ''})`)}`)
  if (t.dnsName) out.push(`  ${c.dim('DNS')}        ${t.dnsName}`)
  out.push(`  ${c.dim('Listeners')}  ${o.listeners.length ? o.listeners.map((l) => `${l.protocol}:${l.port}`).join(', ') : 'none'}`)
  for (const tg of o.targetGroups) {
    const n = tg.targets
    const parts = [`${n.healthy}/${n.total} healthy`]
    for (const k of ['unhealthy', 'initial', 'unused', 'draining', 'unavailable'] as const) if (n[k]) parts.push(`${n[k]} ${k}`)
    const health = n.total === 0 ? c.red('no targets') : n.healthy === n.total ? c.green(parts.join(', ')) : c.red(parts.join(', '))
    out.push(`  ${c.dim('Targets')}    ${tg.name} ${c.dim(`(${tg.protocol}:${tg.port}; health check ${tg.healthCheck})`)}: ${health}`)
  }
  for (const g of o.autoScalingGroups) {
    out.push(`  ${c.dim('ASG')}        ${g.name}: ${g.inService} in service, desired ${g.desired} (min ${g.min}, max ${g.max})${g.attached ? '' : c.yellow(' · not attached to this ALB')}`)
  }
  if (o.idleTimeoutSeconds !== undefined) out.push(`  ${c.dim('Idle')}       ${o.idleTimeoutSeconds} s ALB idle timeout`)
  out.push(`  ${c.dim('Collected')}  ${report.collectedAt}${o.endpointUrl ? c.yellow(` from ${o.endpointUrl} (endpoint override)`) : ''}`)
  out.push('')

  const problems = report.findings.filter((f) => f.severity === 'critical' || f.severity === 'error').length
  if (report.status === 'healthy') {
    out.push(c.bold.green(`✔ Healthy: every check that applies passed${report.findings.length ? `; ${plural(report.findings.length, 'remark')} below` : ''}.`))
  } else if (report.status === 'incomplete') {
    out.push(c.bold.yellow(`▲ No problem found in what could be checked, but ${plural(report.summary.checks['could-not-check'], 'check')} could not run (see below).`))
  } else {
    const causes = report.rootCauses.filter((r) => r.cause.severity === 'critical' || r.cause.severity === 'error').length
    out.push(c.bold.red(`✖ ${plural(problems, 'problem')} found, ${causes === 1 ? 'explained by 1 root cause' : `explained by ${causes} root causes`}.`))
  }
  out.push('')

  const withSymptoms = report.rootCauses.filter((r) => r.symptoms.length > 0 || r.cause.severity === 'critical' || r.cause.severity === 'error')
  const others = report.rootCauses.filter((r) => !withSymptoms.includes(r))
  withSymptoms.forEach((root, i) => out.push(...renderRoot(root, i + 1)))

  if (others.length) {
    out.push(c.bold('Also worth a look'))
    for (const r of others) out.push(...renderFinding(r.cause, '  ', false))
    out.push('')
  }

  const blocked = report.checks.filter((ch) => ch.status === 'could-not-check')
  if (blocked.length) {
    out.push(c.bold.yellow(`Could not check (${blocked.length})`))
    for (const ch of blocked) out.push(`  ${c.yellow('?')} ${ch.title} ${c.dim(`[${ch.ruleId}]`)}: ${ch.reason}`)
    out.push('')
  }

  if (options.verbose) {
    out.push(c.bold('Checks'))
    for (const ch of report.checks) {
      const mark = ch.status === 'pass' ? c.green('✔') : ch.status === 'fail' ? c.red('✖') : ch.status === 'not-applicable' ? c.dim('–') : c.yellow('?')
      out.push(`  ${mark} ${ch.title} ${c.dim(`[${ch.ruleId}]`)}${ch.reason ? c.dim(` — ${ch.reason}`) : ''}`)
    }
    out.push('')
  }

  const s = report.summary.checks
  out.push(
    c.dim(
      `${s.pass} passed · ${s.fail} failed · ${s['not-applicable']} not applicable · ${s['could-not-check']} could not check` +
        (options.verbose ? '' : ' (--verbose lists every check)'),
    ),
  )
  for (const note of report.notes) out.push(c.dim(`Note: ${note}`))
  return out.join('\n') + '\n'

  function renderRoot(root: RootCause, n: number): string[] {
    const lines = renderFinding(root.cause, '', true, `${n}. `)
    if (root.symptoms.length) {
      lines.push(`   ${c.dim('This explains:')}`)
      for (const s of root.symptoms) lines.push(`     ${paint(s.severity, ICON[s.severity])} ${s.message} ${c.dim(`[${s.ruleId}]`)}`)
    }
    lines.push('')
    return lines
  }

  function renderFinding(f: Finding, indent: string, full: boolean, prefix = ''): string[] {
    const lines: string[] = []
    const sure = f.confidence === 'certain' ? '' : c.dim(` (${f.confidence})`)
    lines.push(`${indent}${prefix}${paint(f.severity, `${ICON[f.severity]} ${f.severity.toUpperCase()}`)} ${c.bold(f.title)}${sure} ${c.dim(`[${f.ruleId}]`)}`)
    const pad = indent + ' '.repeat(Math.max(prefix.length, 2) + 1)
    lines.push(`${pad}${f.message}`)
    if (full || options.verbose) {
      const ev = options.verbose ? f.evidence : f.evidence.slice(0, MAX_EVIDENCE)
      for (const e of ev) lines.push(`${pad}${c.dim('·')} ${e}`)
      if (ev.length < f.evidence.length) lines.push(`${pad}${c.dim(`· … ${f.evidence.length - ev.length} more (--verbose)`)}`)
    }
    lines.push(`${pad}${c.green('Fix:')} ${f.remediation.summary}`)
    for (const cmd of f.remediation.commands ?? []) lines.push(`${pad}  ${c.cyan(cmd)}`)
    if (f.remediation.console) lines.push(`${pad}  ${c.dim('Console:')} ${f.remediation.console}`)
    return lines
  }
}
