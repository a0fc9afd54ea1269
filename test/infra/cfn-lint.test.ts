import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {synthesize} from '../../infra/synth.js'
import {CERT, SYNTH_TIMEOUT} from './helpers.js'

const version = spawnSync('cfn-lint', ['--version'], {encoding: 'utf8'})
const available = version.status === 0
if (!available) console.warn('cfn-lint is not installed (pip install cfn-lint): skipping the cfn-lint checks of the synthesised template.')

const dir = mkdtempSync(join(tmpdir(), 'asg-doctor-cfn-lint-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

function lint(name: string, template: unknown): {status: number | null; output: string} {
  const file = join(dir, name)
  writeFileSync(file, JSON.stringify(template, null, 1))
  const r = spawnSync('cfn-lint', ['--format', 'parseable', file], {encoding: 'utf8', timeout: 110_000})
  return {status: r.status, output: `${r.stdout}${r.stderr}`}
}

describe.skipIf(!available)(`cfn-lint (${version.stdout?.trim()})`, {timeout: SYNTH_TIMEOUT}, () => {
  it('passes the default template with no errors or warnings', () => {
    expect(lint('default.json', synthesize())).toEqual({status: 0, output: ''})
  })

  it('passes the HTTPS, one-NAT, request-scaling variant of the broken nginx-missing scenario', () => {
    expect(lint('variant.json', synthesize({scenario: 'nginx-missing', certificateArn: CERT, natGateways: 1, scaleOn: 'both', alertEmail: 'ops@example.com'}))).toEqual({status: 0, output: ''})
  })

  it('fails a template it should: a security group rule with a port range upside down', () => {
    const bad = {
      Resources: {Sg: {Type: 'AWS::EC2::SecurityGroup', Properties: {GroupDescription: 'x', SecurityGroupIngress: [{IpProtocol: 'tcp', FromPort: 80, ToPort: 'eighty', CidrIp: '0.0.0.0/0'}]}}},
    }
    const r = lint('bad.json', bad)
    expect(r.status).not.toBe(0)
    expect(r.output).toMatch(/E\d{4}/)
  })
})
