import {Chalk} from 'chalk'
import {describe, expect, it} from 'vitest'
import {analyze} from '../../src/analyze/engine.js'
import {renderText} from '../../src/render/text.js'
import {renderMarkdown} from '../../src/render/markdown.js'
import {MIN_WIDTH, hangingTo, outputWidth, unwrapped} from '../../src/render/wrap.js'
import type {Rule, RuleMeta} from '../../src/rules/types.js'
import {healthyWorld, TG_ARN, INSTANCE_IDS} from '../fixtures/world.js'

const meta = (id: string, severity: RuleMeta['severity'], requires: string[] = []): RuleMeta => ({
  id,
  category: 'target-health',
  title: `Title ${id}`,
  severity,
  description: 'd',
  risk: 'r',
  requires,
})
const catalogue = new Map([
  ['cause', meta('cause', 'critical')],
  ['symptom', meta('symptom', 'error')],
  ['aside', meta('aside', 'warning')],
  ['blocked', meta('blocked', 'error', ['ec2:DescribeNetworkAcls'])],
])
const rules: Rule<string>[] = [
  {
    id: 'symptom',
    check: (ctx) => [ctx.finding('symptom', {message: '3 of 3 targets of web-tg are unhealthy', resources: [TG_ARN], remediation: {summary: 'see the cause'}})],
  },
  {
    id: 'cause',
    check: (ctx) => [
      ctx.finding('cause', {
        message: 'nginx is not installed on 3 instances',
        resources: [...INSTANCE_IDS],
        evidence: INSTANCE_IDS.map((i) => `${i}: rpm -q nginx: not installed`),
        remediation: {summary: 'Install nginx.', commands: ['asg-doctor fix-nginx web-alb --region us-east-1']},
        explains: [{ruleId: 'symptom', resource: TG_ARN}],
      }),
    ],
  },
  {id: 'aside', check: (ctx) => [ctx.finding('aside', {message: 'health check timeout is close to the interval', resources: [TG_ARN], remediation: {summary: 'lower it'}})]},
  {id: 'blocked', check: () => []},
]

function report() {
  const w = healthyWorld()
  w.errors.push({api: 'ec2:DescribeNetworkAcls', code: 'UnauthorizedOperation', message: 'no', accessDenied: true})
  return analyze(w, {rules, catalogue, notes: ['HTTP probe skipped: endpoint override in force.']})
}

describe('text report', () => {
  const text = renderText(report(), {chalk: new Chalk({level: 0})})

  it('leads with the root cause, its evidence, its fix, and the symptoms it explains', () => {
    const lines = text.split('\n')
    const first = lines.findIndex((l) => l.startsWith('1. '))
    expect(lines[first]).toBe('1. ✖ CRITICAL Title cause [cause]')
    expect(lines[first + 1]).toBe('    nginx is not installed on 3 instances')
    expect(text).toContain(`· ${INSTANCE_IDS[0]}: rpm -q nginx: not installed`)
    expect(text).toContain('    Fix: Install nginx.\n      asg-doctor fix-nginx web-alb --region us-east-1')
    expect(text).toContain('   This explains:\n     ✖ 3 of 3 targets of web-tg are unhealthy [symptom]')
  })

  it('lists findings that explain nothing after the root causes, and what could not be checked', () => {
    expect(text.indexOf('Also worth a look')).toBeGreaterThan(text.indexOf('This explains:'))
    expect(text).toContain('▲ WARNING Title aside [aside]')
    expect(text).toContain('Could not check (1)\n  ? Title blocked [blocked]: ec2:DescribeNetworkAcls was denied (needs IAM permission ec2:DescribeNetworkAcls)')
    expect(text).toContain('Note: HTTP probe skipped: endpoint override in force.')
  })

  it('opens with the deployment at a glance', () => {
    expect(text.split('\n')[0]).toBe('web-alb (internet-facing ALB, us-east-1, account 123456789012)')
    expect(text).toContain('Targets    web-tg (HTTP:80; health check HTTP /health on traffic port, expects 200): 3/3 healthy')
    expect(text).toContain('ASG        web-asg: 3 in service, desired 3 (min 3, max 6)')
    expect(text).toContain('✖ 2 problems found, explained by 1 root cause; also 1 warning, and 1 check could not run.')
  })

  it('has no colour codes at level 0', () => {
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/\u001b\[/)
  })
})

describe('markdown report', () => {
  it('carries the same root cause, commands fenced for pasting', () => {
    const md = renderMarkdown(report())
    expect(md).toContain('### 1. CRITICAL: Title cause `cause`')
    expect(md).toContain('```sh\nasg-doctor fix-nginx web-alb --region us-east-1\n```')
    expect(md).toContain('- ERROR: 3 of 3 targets of web-tg are unhealthy (`symptom`)')
    expect(md).toContain('## Could not check')
  })
})

describe('text report fitted to the terminal', () => {
  const LONG_ID = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/a-target-group-with-a-very-long-name/73e2d6bc24d8a067'
  const COMMAND = `aws elbv2 modify-target-group --target-group-arn ${LONG_ID} --health-check-path /healthz --matcher HttpCode=200-399 --region us-east-1`
  const longRules: Rule<string>[] = [
    {
      id: 'cause',
      check: (ctx) => [
        ctx.finding('cause', {
          message: `The health check of ${LONG_ID} asks for /health, which every one of the three instances answers with 404 Not Found, so the load balancer marks them unhealthy and users get 502`,
          resources: [LONG_ID],
          evidence: ['i-0a1b2c3d4e5f60001: GET /health → 404 Not Found after 3 ms; GET / → 200 OK; nginx serves /usr/share/nginx/html only'],
          remediation: {summary: 'Point the health check at a path the application answers with 200, or serve /health, on every instance of the group.', commands: [COMMAND], console: 'EC2 › Target groups › a-target-group-with-a-very-long-name › Health checks › Edit'},
        }),
      ],
    },
  ]
  const render = async (width?: number) => renderText(analyze(healthyWorld(), {rules: longRules, catalogue}), {chalk: new Chalk({level: 0}), verbose: true, wrap: await hangingTo(width)})
  const colourLines = async (width: number) => renderText(analyze(healthyWorld(), {rules: longRules, catalogue}), {chalk: new Chalk({level: 2}), wrap: await hangingTo(width)}).split('\n')
  // eslint-disable-next-line no-control-regex
  const plain = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '')

  for (const width of [80, 120]) {
    it(`keeps every line within ${width} columns, except commands and ids too long for any line`, async () => {
      const lines = (await render(width)).split('\n')
      const over = lines.filter((l) => [...l].length > width)
      expect(over.length).toBeGreaterThan(0)
      // A line may only run over for the command, or for a word (the ARN) that fits on no line at all.
      for (const l of over) expect(l.trim() === COMMAND || l.trim().split(' ').some((word) => word.length > width - 14)).toBe(true)
      expect(over.filter((l) => l.trim() !== COMMAND).every((l) => l.includes(LONG_ID))).toBe(true)
      // And the room is used: wrapping is to this width, not to some narrower one.
      expect(lines.some((l) => [...l].length > width - 12 && [...l].length <= width)).toBe(true)
    })

    it(`at ${width} columns prints each command whole on its own line and never breaks an id`, async () => {
      const text = await render(width)
      expect(text).toContain(`\n      ${COMMAND}\n`)
      const prose = text.split('\n').filter((l) => !l.includes(COMMAND))
      expect(prose.filter((l) => l.includes(LONG_ID))).toHaveLength(1)
      expect(prose.filter((l) => l.includes('[cause]'))).toHaveLength(2) // the finding's title, and its line under Checks
      // Wrapped prose continues under its own marker: the evidence under its first word, not under the bullet.
      const ev = text.split('\n').findIndex((l) => l.startsWith('    · i-0a1b2c3d4e5f60001'))
      expect(text.split('\n')[ev + 1]).toMatch(/^ {6}\S/)
    })

    it(`colours do not count towards the ${width} columns`, async () => {
      const lines = (await colourLines(width)).map(plain).filter((l) => !l.includes(COMMAND) && !l.includes(LONG_ID))
      expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(width)
    })
  }

  it('does not wrap without a width (a pipe), so each finding stays on one line', async () => {
    const text = await render(undefined)
    expect(text).toContain(`    The health check of ${LONG_ID} asks for /health, which every one of the three instances answers with 404 Not Found, so the load balancer marks them unhealthy and users get 502\n`)
  })

  it('indents the overview values under one column when they wrap', async () => {
    const lines = (await render(80)).split('\n')
    const at = lines.findIndex((l) => l.startsWith('  Targets    '))
    expect([...lines[at]].length).toBeLessThanOrEqual(80)
    expect(lines[at + 1]).toMatch(/^ {13}\S/)
  })
})

describe('outputWidth', () => {
  it('wraps to the terminal, honours COLUMNS even in a pipe, and leaves piped output alone', () => {
    expect(outputWidth({isTTY: true, columns: 132}, {})).toBe(132)
    expect(outputWidth({isTTY: true, columns: 132}, {COLUMNS: '80'})).toBe(80)
    expect(outputWidth({isTTY: false}, {COLUMNS: '100'})).toBe(100)
    expect(outputWidth({isTTY: false, columns: 132}, {})).toBeUndefined()
    expect(outputWidth({}, {COLUMNS: 'wide'})).toBeUndefined()
    expect(outputWidth({isTTY: true, columns: 20}, {})).toBe(MIN_WIDTH)
  })

  it('lays prose out unwrapped, without loading wrap-ansi, when there is no width', async () => {
    expect(await hangingTo(undefined)).toBe(unwrapped)
    expect(unwrapped('  · ', 'a b c')).toEqual(['  · a b c'])
  })
})

describe('markdown report, same content as the text', () => {
  const md = renderMarkdown(report())
  const text = renderText(report(), {chalk: new Chalk({level: 0})})

  it('opens with the same headline and the deployment at a glance', () => {
    const headline = text.split('\n').find((l) => l.startsWith('✖ '))!
    expect(md).toContain(`**${headline}**`)
    expect(md).toContain('- **Listeners:** HTTP:80')
    expect(md).toContain('- **Auto Scaling group:** web-asg: 3 in service, desired 3 (min 3, max 6)')
    expect(md).toContain('- **Idle timeout:** 60 s')
  })

  it('keeps findings that explain nothing apart from the root causes, as the text does', () => {
    expect(md.indexOf('## Also worth a look')).toBeGreaterThan(md.indexOf('## Root causes'))
    expect(md).toContain('### WARNING: Title aside `aside`')
    expect(md).toContain('## Could not check (1)\n\n- Title blocked (`blocked`): ec2:DescribeNetworkAcls was denied')
  })

  it('escapes text from the account so that it is not read as HTML or emphasis', () => {
    const rules: Rule<string>[] = [
      {id: 'cause', check: (ctx) => [ctx.finding('cause', {message: 'GET /health with Host: <private IP> fails; idle_timeout.timeout_seconds is *60*', resources: ['r'], remediation: {summary: 's', commands: ['echo `hostname` | tee a_b']}})]},
    ]
    const out = renderMarkdown(analyze(healthyWorld(), {rules, catalogue}))
    expect(out).toContain('GET /health with Host: \\<private IP\\> fails; idle\\_timeout.timeout\\_seconds is \\*60\\*')
    // Commands stay as they are, in a fence, to paste.
    expect(out).toContain('```sh\necho `hostname` | tee a_b\n```')
  })

  it('lists every check with --verbose', () => {
    const verbose = renderMarkdown(report(), {verbose: true})
    expect(verbose).toContain('## Checks')
    expect(verbose).toContain('- ✖ Title cause (`cause`)')
    expect(md).not.toContain('## Checks')
  })
})
