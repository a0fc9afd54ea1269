import {describe, expect, it} from 'vitest'

import {rule as nginxNotInstalled} from '../../../src/rules/instance/nginx-not-installed.js'
import {INSTANCE_IDS, TG_ARN, healthyWorld} from '../../fixtures/world.js'
import {edit, findings, outcome, run, sample, section, worldWith} from './helpers.js'

describe('nginx-not-installed', () => {
  it('passes when nginx is installed and serves the health check', () => {
    expect(findings(nginxNotInstalled, worldWith(sample('al2023-healthy')))).toEqual([])
  })

  it('passes when another web server answers the health check (nginx is simply not the server here)', () => {
    const apache = edit(sample('al2023-nginx-missing'), {listen: '* 80 httpd', 'probe.code': '200', 'probe.exit': '0'})
    expect(findings(nginxNotInstalled, worldWith(apache))).toEqual([])
  })

  it('raises nothing against an instance the ALB finds healthy, whatever the local probe said', () => {
    const w = worldWith(sample('al2023-nginx-missing'), (x) => {
      x.elbv2.TargetHealthDescriptions[TG_ARN] = INSTANCE_IDS.map((Id) => ({Target: {Id, Port: 80}, TargetHealth: {State: 'healthy'}}))
    })
    expect(findings(nginxNotInstalled, w)).toEqual([])
  })

  it('fails on the reference incident: one certain finding for the fleet, with the install commands for dnf', () => {
    const [f] = findings(nginxNotInstalled, worldWith(sample('al2023-nginx-missing')))
    expect(f.ruleId).toBe('nginx-not-installed')
    expect(f.severity).toBe('critical')
    expect(f.confidence).toBe('certain')
    expect(f.message).toBe(
      `nginx is not installed on 3 of 3 checked instances of web-tg (${INSTANCE_IDS.join(', ')}): nothing answers the ALB's health check /health on port 80`,
    )
    expect(f.resources).toEqual([...INSTANCE_IDS, TG_ARN])
    expect(f.evidence[0]).toBe(
      `${INSTANCE_IDS[0]} (Amazon Linux 2023.6.20241121, dnf): no nginx binary; Unit nginx.service could not be found.; GET /health on port 80 → connection refused (nothing listens on the port, or a firewall rejects it)`,
    )
    expect(f.explains).toEqual(
      expect.arrayContaining([
        {ruleId: 'target-health-unhealthy', resource: TG_ARN},
        {ruleId: 'launch-template-no-web-server'},
        {ruleId: 'nothing-listening-on-port', resource: INSTANCE_IDS[0]},
      ]),
    )
    expect(f.remediation.summary).toContain('dies with it')
    expect(f.remediation.summary).toContain('serve /health on port 80 as the default server')
    expect(f.remediation.commands).toEqual([
      'sudo dnf install -y nginx && sudo systemctl enable nginx && sudo systemctl restart nginx',
      `asg-doctor fix-nginx web-alb --instance-ids ${INSTANCE_IDS.join(',')} --region us-east-1`,
      'asg-doctor fix-nginx web-alb --region us-east-1',
      'asg-doctor fix-nginx web-alb --persist --region us-east-1',
    ])
  })

  it('chooses the commands by package manager: apt on Ubuntu, amazon-linux-extras on Amazon Linux 2', () => {
    const ubuntu = edit(sample('al2023-nginx-missing'), {'os.id': 'ubuntu', 'os.version': '22.04', 'os.name': 'Ubuntu 22.04.5 LTS', pkg: 'apt'})
    const al2 = edit(sample('al2023-nginx-missing'), {'os.version': '2', 'os.name': 'Amazon Linux 2', pkg: 'yum'})
    const [f] = findings(nginxNotInstalled, worldWith([ubuntu, al2, al2]))
    expect(f.remediation.commands!.slice(0, 2)).toEqual([
      'sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx && sudo systemctl enable nginx && sudo systemctl restart nginx',
      'sudo amazon-linux-extras install -y nginx1 && sudo systemctl enable nginx && sudo systemctl restart nginx',
    ])
    expect(f.remediation.commands![2]).toBe(`asg-doctor fix-nginx web-alb --instance-ids ${INSTANCE_IDS.join(',')} --region us-east-1`)
  })

  it('is not applicable without on-instance results (--no-ssm), or when no instance answered', () => {
    expect(outcome(nginxNotInstalled, healthyWorld())).toEqual({notApplicable: 'on-instance checks were not run (--no-ssm or SSM unreachable)'})
    const w = healthyWorld()
    w.onInstance = section(INSTANCE_IDS.map((id) => run(id, '', {status: 'NoAnswer', detail: 'no answer within 90 s'})))
    expect(outcome(nginxNotInstalled, w)).toEqual({notApplicable: 'no instance answered the on-instance checks (see instance-command-no-answer)'})
  })
})
