/**
 * The bundled examples of issue 8 (intermittent 502s), end to end through the built CLI: the headline says what is
 * wrong and the exit code is 1, although in the keep-alive example every target is healthy.
 */
import {describe, expect, it} from 'vitest'
import {run} from './run.js'

const json = (file: string) => {
  const r = run(['diagnose', '--snapshot', file, '--json'])
  return {code: r.code, report: JSON.parse(r.stdout)}
}

describe('the history examples', {timeout: 60_000}, () => {
  it('keepalive-502: every target healthy, yet a problem, led by the nginx keep-alive with the 502s it caused under it', () => {
    const {code, report} = json('examples/keepalive-502.json')
    expect(code).toBe(1)
    expect(report.status).toBe('problems')
    expect(report.rootCauses).toHaveLength(1)
    expect(report.rootCauses[0].cause).toMatchObject({ruleId: 'nginx-keepalive-shorter-than-idle-timeout', severity: 'error', confidence: 'certain'})
    expect(report.rootCauses[0].symptoms.map((s: {ruleId: string}) => s.ruleId).sort()).toEqual(['alb-5xx-in-window', 'keepalive-502s'])
    const text = run(['diagnose', '--snapshot', 'examples/keepalive-502.json', '--no-color'])
    expect(text.code).toBe(1)
    expect(text.stdout).toContain('3/3 healthy')
    expect(text.stdout).toContain('✖ 3 problems found, explained by 1 root cause.')
    expect(text.stdout).not.toContain('✔ Healthy')
    expect(text.stdout).toContain('1. ✖ ERROR nginx keep-alive is not longer than the ALB\'s idle timeout [nginx-keepalive-shorter-than-idle-timeout]')
  })

  it('bad-deploy: led by the launch template version rolled out before the onset, with the rollback command', () => {
    const {code, report} = json('examples/bad-deploy.json')
    expect(code).toBe(1)
    const [root] = report.rootCauses
    expect(root.cause).toMatchObject({ruleId: 'change-before-5xx-onset', severity: 'error', confidence: 'likely'})
    expect(root.cause.message).toContain('8 min after this launch template change: CreateLaunchTemplateVersion on lt-0abcdef1234567890 at 2026-11-29 20:10 UTC by arn:aws:iam::123456789012:user/alice')
    expect(root.cause.remediation.commands).toContain('aws autoscaling update-auto-scaling-group --auto-scaling-group-name web-asg --launch-template LaunchTemplateId=lt-0abcdef1234567890,Version=1 --region us-east-1')
    expect(root.symptoms.map((s: {ruleId: string}) => s.ruleId)).toEqual(expect.arrayContaining(['alb-5xx-in-window', 'target-health-unhealthy', 'launch-template-no-web-server']))
    const text = run(['diagnose', '--snapshot', 'examples/bad-deploy.json', '--no-color']).stdout
    expect(text).toContain('✖ 4 problems found, explained by 1 root cause.')
    expect(text).toContain('1. ✖ ERROR A change came right before the 5xx began (likely) [change-before-5xx-onset]')
  })
})
