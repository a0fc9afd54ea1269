import {describe, expect, it} from 'vitest'
import {userDataLines} from '../../infra/user-data.js'

const base = {stackName: 'web', healthCheckPath: '/health', targetPort: 80}

describe('userDataLines', () => {
  it('installs nginx, writes the page and a config that answers the health path on the target port, and starts it', () => {
    const script = userDataLines({...base, scenario: 'healthy', targetPort: 8080}).join('\n')
    expect(script).toContain('dnf install -y nginx')
    expect(script).toContain('listen 8080 default_server;')
    expect(script).toContain('location = /health { default_type text/plain; return 200 "ok\\n"; }')
    expect(script).toContain('keepalive_timeout 75s;')
    expect(script.indexOf('nginx -t')).toBeLessThan(script.indexOf('systemctl enable --now nginx'))
    expect(script).toContain('X-aws-ec2-metadata-token-ttl-seconds')
  })

  it('nginx-missing: writes the page and never installs or mentions a web server', () => {
    const script = userDataLines({...base, scenario: 'nginx-missing'}).join('\n')
    expect(script).toContain('/var/www/html/index.html')
    expect(script).not.toMatch(/nginx|dnf|systemctl/i)
  })

  it('wrong-health-path: nginx serves the page but not the health path', () => {
    const script = userDataLines({...base, scenario: 'wrong-health-path'}).join('\n')
    expect(script).toContain('systemctl enable --now nginx')
    expect(script).not.toContain('location =')
  })
})
