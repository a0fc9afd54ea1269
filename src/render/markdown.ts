/**
 * The report as Markdown, to paste into a ticket or an incident channel. Same content as the text report.
 */
import type {Report} from '../analyze/report.js'
import type {Finding} from '../rules/types.js'

const fence = (lines: string[]) => ['```sh', ...lines, '```']

export function renderMarkdown(report: Report): string {
  const t = report.target
  const out: string[] = []
  out.push(`# asg-doctor: ${t.name} (${t.region})`, '')
  out.push(`- **Status:** ${report.status}`)
  if (t.dnsName) out.push(`- **DNS name:** \`${t.dnsName}\``)
  out.push(`- **Load balancer:** \`${t.loadBalancerArn}\``)
  for (const tg of report.overview.targetGroups) {
    out.push(`- **Target group ${tg.name}:** ${tg.targets.healthy}/${tg.targets.total} healthy (${tg.healthCheck})`)
  }
  out.push(`- **Collected:** ${report.collectedAt}`, '')

  const finding = (f: Finding, level: string): string[] => {
    const lines = [`${level} ${f.severity.toUpperCase()}: ${f.title} \`${f.ruleId}\``, '', f.message, '']
    if (f.evidence.length) lines.push(...f.evidence.map((e) => `- ${e}`), '')
    lines.push(`**Fix:** ${f.remediation.summary}`, '')
    if (f.remediation.commands?.length) lines.push(...fence(f.remediation.commands), '')
    if (f.remediation.console) lines.push(`Console: ${f.remediation.console}`, '')
    return lines
  }

  if (report.rootCauses.length) out.push('## Root causes', '')
  for (const root of report.rootCauses) {
    out.push(...finding(root.cause, '###'))
    if (root.symptoms.length) {
      out.push('Explains:', '', ...root.symptoms.map((s) => `- ${s.message} (\`${s.ruleId}\`)`), '')
    }
  }
  const blocked = report.checks.filter((c) => c.status === 'could-not-check')
  if (blocked.length) {
    out.push('## Could not check', '', ...blocked.map((c) => `- ${c.title} (\`${c.ruleId}\`): ${c.reason}`), '')
  }
  const s = report.summary.checks
  out.push(`_${s.pass} passed, ${s.fail} failed, ${s['not-applicable']} not applicable, ${s['could-not-check']} could not check._`)
  for (const note of report.notes) out.push('', `> Note: ${note}`)
  return out.join('\n') + '\n'
}
