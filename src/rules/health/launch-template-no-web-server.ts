/**
 * launch-template-no-web-server: the launch template version an attached group uses has user data that never
 * installs or starts a web server, or no user data at all. The reference incident's root cause as seen without
 * SSM. The AMI may have one baked in, which the snapshot cannot show: `likely` at best, and only when the targets'
 * health (connection refused or timed out) agrees; a healthy target of the group refutes it.
 */
import {CONFIG_TEST, describeSteps, packageSteps} from '../../lib/nginx-install.js'
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, FindingRef, Rule} from '../types.js'
import {decodeUserData, encodeUserData, mergeUserData, userDataText} from '../../lib/user-data.js'
import {groupTemplate} from './launch-template.js'
import type {GroupTemplate} from './launch-template.js'
import {attachedGroups, eqi, inServiceIds, reasonIs, targetsInState, tgName} from './util.js'
import type {Group} from './util.js'
import {installedPackages, judgeUserData, nginxLines, userDataBlock} from './user-data.js'

const ID = 'launch-template-no-web-server'

const NO_ANSWER = ['Target.FailedHealthChecks', 'Target.Timeout']

/**
 * The new version's user data: the original untouched plus the install as its own MIME part (the same merge as
 * `fix-nginx --persist`, so an original ending in `exit 0` cannot skip the install). Undefined for a format
 * cloud-init would not merge (e.g. Windows).
 */
function newUserData(text: string, lines: string[] | undefined): string | undefined {
  if (!lines) return undefined
  try {
    return encodeUserData(mergeUserData(text, userDataBlock(lines))).base64
  } catch {
    return undefined
  }
}

function fixCommands(ctx: AnalysisContext, g: Group, t: GroupTemplate, userData: string | undefined): string[] {
  const ref = t.id ? ['--launch-template-id', t.id] : ['--launch-template-name', t.name ?? '']
  const name = g.AutoScalingGroupName ?? ''
  return [
    ...(userData
      ? [cmd`aws ec2 create-launch-template-version ${ref} --source-version ${t.version?.VersionNumber} --launch-template-data ${JSON.stringify({UserData: userData})} ${ctx.regionFlag}`]
      : []),
    ...(/^\d+$/.test(t.requested) ? [cmd`aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${name} --launch-template ${`${t.id ? `LaunchTemplateId=${t.id}` : `LaunchTemplateName=${t.name}`},Version=$Latest`} ${ctx.regionFlag}`] : []),
    cmd`aws autoscaling start-instance-refresh --auto-scaling-group-name ${name} ${ctx.regionFlag}`,
    cmd`asg-doctor fix-nginx ${ctx.lb.LoadBalancerName ?? ''} ${ctx.regionFlag}`,
  ]
}

function check(ctx: AnalysisContext): Finding[] {
  const findings: Finding[] = []
  for (const {group, tgs} of attachedGroups(ctx)) {
    const t = groupTemplate(ctx, group)
    if (!t?.version) continue
    const text = userDataText(t.version.LaunchTemplateData?.UserData)
    const verdict = judgeUserData(text)
    if (verdict.kind === 'serves' || verdict.kind === 'delegated') continue
    const ours = new Set(inServiceIds(group))
    const healthy = tgs.some((tg) => targetsInState(ctx, tg.TargetGroupArn ?? '', 'healthy').some((d) => ours.has(d.Target?.Id ?? '')))
    if (healthy) continue // something answers the health checks: the AMI must bring the server
    const silent = tgs.filter((tg) => targetsInState(ctx, tg.TargetGroupArn ?? '', 'unhealthy').some((d) => reasonIs(d, ...NO_ANSWER)))
    const allDown = silent.some((tg) => ctx.targetHealth(tg.TargetGroupArn ?? '').every((d) => !eqi(d.TargetHealth?.State, 'healthy')))
    const name = group.AutoScalingGroupName ?? '?'
    const lt = `${t.name ?? t.id} version ${t.version.VersionNumber}`
    const ami = t.version.LaunchTemplateData?.ImageId ?? '?'
    const what =
      verdict.kind === 'empty' ? 'has no user data' : verdict.kind === 'installed-not-started' ? `installs ${verdict.servers.join(', ')} but never starts it` : 'has user data that never installs or starts a web server'
    const tg0 = tgs[0]
    const lines = nginxLines({port: tg0?.Port, healthCheckPort: tg0?.HealthCheckPort, healthCheckPath: tg0?.HealthCheckPath}, verdict.kind === 'installed-not-started' ? verdict.servers : undefined)
    const adds =
      verdict.kind === 'installed-not-started'
        ? `Add to the user data: ${lines?.join('; ')}`
        : lines
          ? `Add to the user data the install script of asg-doctor fix-nginx (${describeSteps([tg0?.Port ?? 80], tg0?.HealthCheckPath ?? '/', 'a default page').slice(0, 2).join('; ')}; then ${CONFIG_TEST}, enable and start)`
          : `Add an nginx install to the user data by hand: the health-check path ${JSON.stringify(tg0?.HealthCheckPath)} is not one a generated script serves safely`
    const original = decodeUserData(t.version.LaunchTemplateData?.UserData)
    const userData = newUserData(original, lines)
    const explains: FindingRef[] = silent.map((tg) => ({ruleId: 'target-health-unhealthy', resource: tg.TargetGroupArn}))
    findings.push(
      ctx.finding(ID, {
        key: `${ID}:${name}`,
        severity: silent.length === 0 ? 'warning' : allDown ? 'critical' : 'error',
        confidence: silent.length > 0 ? 'likely' : 'possible',
        message:
          `Launch template ${lt}, used by ${name}, ${what}: unless AMI ${ami} has a web server baked in, nothing answers the health checks on port ${tgs[0]?.Port ?? 80}` +
          (silent.length ? ` — and the targets of ${silent.map(tgName).join(', ')} indeed refuse or ignore them` : ''),
        resources: [t.id ?? t.name ?? '?', name, ...tgs.map((tg) => tg.TargetGroupArn ?? '')],
        evidence: [
          `${name} launches ${lt} (requested ${t.requested}), AMI ${ami}`,
          verdict.kind === 'empty'
            ? 'LaunchTemplateData.UserData is empty'
            : `user data (${text.trim().split('\n').length} lines) installs ${installedPackages(text).join(', ') || 'no package'}; no web server, container or app server is started`,
          ...silent.map((tg) => `${tgName(tg)}: unhealthy targets with ${NO_ANSWER.join(' or ')}`),
          'the AMI\'s contents cannot be seen from the API: a custom image could already run a web server',
        ],
        data: {autoScalingGroupName: name, launchTemplateId: t.id, version: t.version.VersionNumber, imageId: ami, verdict: verdict.kind, userDataFixLines: lines},
        remediation: {
          summary:
            `${adds}; create a new launch template version with it and start an instance refresh. ` +
            'Meanwhile `asg-doctor fix-nginx` installs and starts nginx on the running instances through SSM (with --persist --refresh it also does the two steps before).',
          commands: fixCommands(ctx, group, t, userData),
          console:
            `By hand, as root: ${packageSteps('dnf').join(' && ')} (Amazon Linux 2023; ${packageSteps('apt').join(' && ')} on Ubuntu).` +
            (userData && text.trim() !== '' ? ' The new user data above is a MIME multipart: the original user data, untouched, then the install script.' : '') +
            (userData ? '' : ' This user data is in a format cloud-init cannot merge: add the lines to it by hand (EC2 console: Launch templates > Modify template (Create new version) > Advanced details > User data).'),
        },
        explains,
      }),
    )
  }
  return findings
}

export const rule: Rule = {id: ID, check}
