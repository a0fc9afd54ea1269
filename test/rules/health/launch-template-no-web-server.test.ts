import {describe, expect, it} from 'vitest'
import {rule as launchTemplateNoWebServer} from '../../../src/rules/health/launch-template-no-web-server.js'
import {mergeUserData, userDataText} from '../../../src/lib/user-data.js'
import {judgeUserData} from '../../../src/rules/health/user-data.js'
import {INSTALL_MARKER, installScript} from '../../../src/ssm/install-script.js'
import {BROKEN_USER_DATA, LT_ID, NGINX_USER_DATA, TG_ARN, healthyWorld} from '../../fixtures/world.js'
import {FAILED, HEALTHY, TIMEOUT, b64, b64gz, run, setHealth, setUserData} from './helpers.js'

const INITIAL = {State: 'initial', Reason: 'Elb.InitialHealthChecking'}
/** The block fix-nginx --persist writes for this target group (port 80, /health): the rule proposes the same. */
const NGINX_BLOCK = installScript({port: 80, healthCheckPath: '/health'}).join('\n')

/** The user data a create-launch-template-version command would write, decoded. */
const newUserDataOf = (command: string): string =>
  Buffer.from(JSON.parse(/'(\{.*\})'/.exec(command)![1]).UserData, 'base64').toString('utf8')

function broken(userData = BROKEN_USER_DATA) {
  const w = healthyWorld()
  setUserData(w, userData)
  setHealth(w, [FAILED, FAILED, TIMEOUT])
  return w
}

const MIME = (part: string, encoding: 'base64' | '7bit') => `Content-Type: multipart/mixed; boundary="//"
MIME-Version: 1.0

--//
Content-Type: text/cloud-config; charset="us-ascii"

#cloud-config
cloud_final_modules:
- [scripts-user, always]

--//
Content-Type: text/x-shellscript; charset="us-ascii"
Content-Transfer-Encoding: ${encoding}

${encoding === 'base64' ? b64(part) : part}
--//--
`

describe('launch-template-no-web-server', () => {
  it('passes on the healthy world', () => {
    expect(run(launchTemplateNoWebServer, healthyWorld())).toEqual([])
  })

  it('finds the reference incident: user data without nginx, targets refusing health checks', () => {
    const [f, ...rest] = run(launchTemplateNoWebServer, broken())
    expect(rest).toEqual([])
    expect(f.ruleId).toBe('launch-template-no-web-server')
    expect(f.severity).toBe('critical')
    expect(f.confidence).toBe('likely')
    expect(f.resources).toEqual([LT_ID, 'web-asg', TG_ARN])
    expect(f.message).toContain('Launch template web-lt version 1, used by web-asg, has user data that never installs or starts a web server')
    expect(f.message).toContain('unless AMI ami-0c02fb55956c7d316 has a web server baked in')
    expect(f.evidence).toContain('user data (6 lines) installs amazon-cloudwatch-agent; no web server, container or app server is started')
    expect(f.explains).toEqual([{ruleId: 'target-health-unhealthy', resource: TG_ARN}])
    expect(f.remediation.summary).toContain('Add to the user data the install script of asg-doctor fix-nginx (install nginx with dnf, yum or apt-get, unless it is installed; write /etc/nginx/conf.d/asg-doctor.conf: listen on 80 as the default server, answer /health with 200; then nginx -t, enable and start)')
    expect(f.remediation.summary).toContain('asg-doctor fix-nginx')
    const [create, refresh, fix] = f.remediation.commands!
    expect(create).toMatch(new RegExp(`^aws ec2 create-launch-template-version --launch-template-id ${LT_ID} --source-version 1 --launch-template-data '\\{"UserData":"[A-Za-z0-9+/=]+"\\}' --region us-east-1$`))
    // The original, untouched, then the install as its own part.
    const userData = newUserDataOf(create)
    expect(userData).toContain('Content-Type: multipart/mixed')
    expect(userData).toContain(BROKEN_USER_DATA.trim())
    expect(userDataText(b64(userData))).toBe(`${BROKEN_USER_DATA.trim()}\n${NGINX_BLOCK}\n`)
    // What fix-nginx --persist looks for to stay idempotent: it would find its block already there.
    expect(userData).toContain(NGINX_BLOCK)
    expect(userData).toContain(INSTALL_MARKER)
    expect(refresh).toBe('aws autoscaling start-instance-refresh --auto-scaling-group-name web-asg --region us-east-1')
    expect(fix).toBe('asg-doctor fix-nginx web-alb --region us-east-1')
  })

  it('is only a possible warning while the targets have not failed yet', () => {
    const w = healthyWorld()
    setUserData(w, BROKEN_USER_DATA)
    setHealth(w, [INITIAL, INITIAL, INITIAL])
    const [f] = run(launchTemplateNoWebServer, w)
    expect(f.severity).toBe('warning')
    expect(f.confidence).toBe('possible')
    expect(f.explains).toEqual([])
  })

  it('trusts a healthy target of the group: the AMI must bring the server', () => {
    const w = broken()
    setHealth(w, [FAILED, HEALTHY, FAILED])
    expect(run(launchTemplateNoWebServer, w)).toEqual([])
  })

  it('finds a template without user data and writes a whole script', () => {
    const w = broken()
    setUserData(w, undefined)
    const [f] = run(launchTemplateNoWebServer, w)
    expect(f.message).toContain('web-lt version 1, used by web-asg, has no user data')
    expect(f.evidence).toContain('LaunchTemplateData.UserData is empty')
    expect(newUserDataOf(f.remediation.commands![0])).toBe(NGINX_BLOCK)
  })

  it('finds nginx installed with dnf but never started', () => {
    const [f] = run(launchTemplateNoWebServer, broken('#!/bin/bash\ndnf install -y nginx\n'))
    expect(f.message).toContain('installs nginx but never starts it')
    expect(f.data?.userDataFixLines).toEqual(['systemctl enable --now nginx'])
  })

  it('names the package steps for a person at a shell and pins the group to the new version', () => {
    const w = broken('#!/bin/bash\napt-get update\napt-get install -y unzip\n')
    w.autoscaling.AutoScalingGroups[0].LaunchTemplate!.Version = '1'
    const [f] = run(launchTemplateNoWebServer, w)
    expect(f.remediation.console).toContain('apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx && systemctl enable nginx && systemctl restart nginx')
    expect(f.remediation.commands).toContain(
      `aws autoscaling update-auto-scaling-group --auto-scaling-group-name web-asg --launch-template 'LaunchTemplateId=${LT_ID},Version=$Latest' --region us-east-1`,
    )
  })

  it('uses the version the group asks for: $Latest is the highest', () => {
    const w = broken()
    const v1 = w.ec2.LaunchTemplateVersions[0]
    w.ec2.LaunchTemplateVersions.push({...v1, VersionNumber: 2, DefaultVersion: false, LaunchTemplateData: {...v1.LaunchTemplateData, UserData: b64(NGINX_USER_DATA)}})
    expect(run(launchTemplateNoWebServer, w)).toEqual([])
    w.autoscaling.AutoScalingGroups[0].LaunchTemplate!.Version = '$Default'
    expect(run(launchTemplateNoWebServer, w)[0].message).toContain('web-lt version 1')
  })

  it('keeps a cloud-config as the first part of the new user data', () => {
    const [f] = run(launchTemplateNoWebServer, broken('#cloud-config\npackages:\n  - jq\nruncmd:\n  - echo hi\n'))
    const userData = newUserDataOf(f.remediation.commands![0])
    expect(userData).toContain('Content-Type: text/cloud-config')
    expect(userDataText(b64(userData))).toContain(`packages:\n  - jq\nruncmd:\n  - echo hi\n${NGINX_BLOCK}`)
  })

  it('serves the target group\'s own port and a health-check port of its own', () => {
    const w = broken()
    setUserData(w, undefined)
    Object.assign(w.elbv2.TargetGroups[0], {Port: 8080, HealthCheckPort: '8081', HealthCheckPath: '/status/ready'})
    const [f] = run(launchTemplateNoWebServer, w)
    expect(newUserDataOf(f.remediation.commands![0])).toBe(installScript({port: 8080, healthCheckPort: 8081, healthCheckPath: '/status/ready'}).join('\n'))
  })

  it('writes no user data for a health-check path a script cannot serve safely, and says so', () => {
    const w = broken()
    w.elbv2.TargetGroups[0].HealthCheckPath = "/h';touch${IFS}pwned;'"
    const [f] = run(launchTemplateNoWebServer, w)
    expect(f.remediation.commands!.some((c) => c.includes('create-launch-template-version'))).toBe(false)
    expect(f.remediation.summary).toContain('Add an nginx install to the user data by hand: the health-check path "/h\';touch${IFS}pwned;\'" is not one a generated script serves safely')
  })

  it('says to edit by hand user data that cloud-init cannot merge', () => {
    const [f] = run(launchTemplateNoWebServer, broken('<powershell>\nWrite-Output hi\n</powershell>\n'))
    expect(f.remediation.commands!.some((c) => c.includes('create-launch-template-version'))).toBe(false)
    expect(f.remediation.console).toContain('add the lines to it by hand')
  })

  it.each([
    ['nginx installed and started', NGINX_USER_DATA],
    ['cloud-config packages and runcmd array', '#cloud-config\npackages:\n  - nginx\nruncmd:\n  - [systemctl, enable, --now, nginx]\n'],
    ['Ubuntu apt install (starts on install)', '#!/bin/bash\napt-get install -y apache2\n'],
    ['a container', '#!/bin/bash\ndnf install -y docker\nsystemctl start docker\ndocker run -d -p 80:80 public.ecr.aws/nginx/nginx\n'],
    ['a systemd app server', '#!/bin/bash\ncat > /etc/systemd/system/app.service <<EOF\n[Service]\nExecStart=/usr/bin/node /opt/app/server.js\nEOF\nsystemctl enable --now app\n'],
    ['a java app', '#!/bin/bash\nnohup java -jar /opt/app.jar &\n'],
    ['an ECS container instance', '#!/bin/bash\necho ECS_CLUSTER=web >> /etc/ecs/ecs.config\n'],
    ['a script fetched at boot (cannot tell)', '#!/bin/bash\ncurl -fsSL https://example.com/bootstrap.sh | bash\n'],
  ])('passes on user data with %s', (_name, text) => {
    expect(run(launchTemplateNoWebServer, broken(text))).toEqual([])
  })

  it('reads gzip and MIME multipart user data', () => {
    const gz = broken()
    setUserData(gz, NGINX_USER_DATA, b64gz)
    expect(run(launchTemplateNoWebServer, gz)).toEqual([])
    expect(run(launchTemplateNoWebServer, broken(MIME(NGINX_USER_DATA, 'base64')))).toEqual([])
    expect(run(launchTemplateNoWebServer, broken(MIME(NGINX_USER_DATA, '7bit')))).toEqual([])
    expect(run(launchTemplateNoWebServer, broken(MIME(BROKEN_USER_DATA, 'base64')))).toHaveLength(1)
    expect(userDataText(b64(MIME(BROKEN_USER_DATA, 'base64')))).toContain('dnf install -y amazon-cloudwatch-agent')
    expect(judgeUserData(userDataText(b64gz(BROKEN_USER_DATA)))).toEqual({kind: 'no-server'})
  })

  it('passes on the user data fix-nginx --persist writes, nested MIME included', () => {
    const fixed = mergeUserData(BROKEN_USER_DATA, NGINX_BLOCK)
    expect(run(launchTemplateNoWebServer, broken(fixed))).toEqual([])
    expect(run(launchTemplateNoWebServer, broken(mergeUserData(MIME(BROKEN_USER_DATA, 'base64'), NGINX_BLOCK)))).toEqual([])
  })
})
