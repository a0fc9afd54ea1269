/**
 * The human view of the plan and the results. The JSON view is the FixReport itself.
 */
import type {ChalkInstance} from 'chalk'
import type {FixPlan} from './plan.js'
import type {PersistGroupPlan} from './persist.js'
import type {FixReport} from './run.js'

const FORMAT_WORDS: Record<string, string> = {
  empty: 'no user data before: the install script alone',
  mime: 'the original MIME multipart nested as the first part, the install as the second',
}

export function persistLine(g: PersistGroupPlan): string {
  const lt = `launch template ${g.launchTemplateName} (${g.launchTemplateId}) version ${g.sourceVersion}${g.groupVersion !== String(g.sourceVersion) ? ` (the group's ${g.groupVersion})` : ''}`
  if (g.action === 'present') return `${g.autoScalingGroupName}: ${lt} already installs nginx: nothing to create`
  const how = FORMAT_WORDS[g.format] ?? `MIME multipart: the original ${g.format} first, unchanged, then the install`
  const group = g.updateGroup ? 'then point the group at the new version' : 'the group follows $Latest and picks it up unchanged'
  return `${g.autoScalingGroupName}: new version of ${lt}, copied from it with new user data (${how}); ${group}`
}

export function renderPlan(plan: FixPlan, c: ChalkInstance, options: {showScript?: boolean} = {}): string {
  const out: string[] = []
  const lb = plan.loadBalancer
  out.push(c.bold(`Plan: install nginx${lb ? ` behind ${lb.name} (${lb.dnsName})` : ''}`))
  if (plan.targetGroup) {
    const tg = plan.targetGroup
    out.push(`  Target group ${tg.name}: HTTP port ${tg.port}${tg.healthCheckPort ? `, health checks on port ${tg.healthCheckPort}` : ''}, health-check path ${tg.healthCheckPath} (success codes ${tg.matcher})`)
  } else {
    out.push(`  Port ${plan.port}, health-check path ${plan.healthCheckPath}`)
  }
  out.push(`  Instances to fix (${plan.targets.length}):`)
  for (const t of plan.targets) out.push(`    ${t.instanceId}  ${t.privateIp ?? ''}${t.targetState ? `  target ${t.targetState}` : ''}`)
  if (plan.targets.length === 0) out.push('    none')
  if (plan.skipped.length > 0) {
    out.push(`  Skipped (${plan.skipped.length}):`)
    for (const s of plan.skipped) out.push(`    ${s.instanceId}  ${c.yellow(s.reason)}: ${s.detail}`)
  }
  out.push(`  On each instance, a ${plan.script.length}-line sh script (SSM AWS-RunShellScript) will:`)
  for (const ch of plan.changes) out.push(`    - ${ch}`)
  out.push('    A second run changes nothing and says so.')
  if (options.showScript) out.push('  The script:', ...plan.script.map((l) => `    | ${l}`))
  else out.push(c.dim('    (--verbose prints the script; --json carries it as .plan.script)'))
  if (plan.persist) {
    out.push('  Launch template (--persist):')
    for (const g of plan.persist.groups) out.push(`    ${persistLine(g)}`)
    if (plan.persist.refresh) {
      for (const g of plan.persist.groups) {
        out.push(
          g.staleInstances > 0
            ? `    start an instance refresh of ${g.autoScalingGroupName}: replaces ${g.staleInstances} instance(s), keeping ${plan.persist.minHealthyPercentage}% healthy`
            : `    no instance refresh of ${g.autoScalingGroupName}: every instance already runs the fixed version`,
        )
      }
    }
  }
  for (const w of plan.warnings) out.push(c.yellow(`  ! ${w}`))
  return out.join('\n')
}

export function renderReport(report: FixReport, c: ChalkInstance): string {
  const out: string[] = []
  if (report.outcome === 'applied') {
    out.push(c.bold('Results:'))
    for (const i of report.instances) {
      const mark = i.ok ? c.green('ok    ') : i.install === 'skipped' ? c.yellow('SKIP  ') : c.red('FAILED')
      const what = i.install === 'changed' ? `changed ${i.changed.join(',')}` : i.install === 'unchanged' ? 'already right, nothing changed' : i.install === 'failed' ? 'install failed' : ''
      const health = i.health ? `  target ${i.health.state}${i.health.reason ? ` (${i.health.reason})` : ''}` : ''
      out.push(`  ${mark} ${i.instanceId}  ${[what + health, i.reason].filter(Boolean).join(': ')}`)
      if (i.output) out.push(...i.output.split('\n').slice(-20).map((l) => c.dim(`         | ${l}`)))
    }
    if (report.health) out.push(`  Target health: ${report.health.healthy ? 'all fixed targets healthy' : 'not all healthy'} after ${Math.round(report.health.elapsedMs / 1000)}s`)
    if (report.probe?.url) {
      const got = report.probe.status !== undefined ? `HTTP ${report.probe.status}` : `no answer (${report.probe.error})`
      out.push(`  Load balancer: GET ${report.probe.url} -> ${report.probe.ok ? c.green(got) : c.red(got)}`)
    }
    for (const p of report.persist ?? []) {
      const did = [
        p.createdVersion !== undefined ? `created launch template version ${p.createdVersion}` : '',
        p.groupUpdatedTo ? `group now uses version ${p.groupUpdatedTo}` : '',
        p.instanceRefreshId ? `instance refresh ${p.instanceRefreshId} started` : '',
        ...p.notes,
      ].filter(Boolean)
      out.push(`  ${p.error ? c.red('FAILED') : c.green('ok    ')} ${p.autoScalingGroupName}: ${[...did, p.error ?? ''].filter(Boolean).join('; ')}`)
    }
  }
  for (const n of report.notes) out.push(c.dim(`  ${n}`))
  const total = report.instances.length
  const good = report.instances.filter((i) => i.ok).length
  const verified = report.health ? ' and verified' : ''
  if (report.outcome === 'applied') out.push(report.ok ? c.green(`Fixed: ${good} of ${total} instance(s) fixed${verified}.`) : c.red(`Not fixed: ${good} of ${total} instance(s) fixed${verified}.`))
  return out.join('\n')
}
