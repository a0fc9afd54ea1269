import {Args, Flags} from '@oclif/core'
import {BaseCommand, outputFlag} from '../lib/base-command.js'
import {EXIT, UserError} from '../lib/errors.js'
import {endpointOverride} from '../lib/aws.js'
import {awsFlagTokens} from '../lib/options.js'
import {raw, shellCommand} from '../lib/shell.js'
import {SEVERITIES} from '../rules/types.js'
import type {Report} from '../analyze/engine.js'
import {sinceFlag} from '../history/common.js'
import {SSM_TIMEOUT_SECONDS} from '../lib/options.js'
import {claimEarlyClients, takeEarlyCollection} from '../startup/early-lookup.js'

export default class Diagnose extends BaseCommand<typeof Diagnose> {
  static override summary = 'Find why an Application Load Balancer answers 502/503: from the ALB to the root cause.'

  static override description = `Follows ALB → listeners → rules → target groups → target health → Auto Scaling groups → instances → subnets, route tables, NACLs and security groups, and reports the deepest cause it can prove, with the exact command that fixes it. Read-only.

It also reads the evidence over time (--since, the last 3 h by default): the load balancer's CloudWatch metrics, what changed (CloudTrail, Auto Scaling activities, launch template versions), and its access and health-check logs when it writes them. The report then says when the errors began, their shape, and the change nearest before, with a timeline.

With no argument, lists the region's ALBs with one health line each.

Exit codes: 0 healthy, 1 problems found (at or above --fail-on), 2 user error (unknown ALB, bad input, no region or credentials), 3 internal error, 4 nothing wrong found but some checks could not run (e.g. a missing IAM permission).`

  static override examples = [
    {description: 'Diagnose an ALB by name', command: '<%= config.bin %> <%= command.id %> web-alb --region eu-west-1'},
    {description: 'By DNS name (the region comes from it)', command: '<%= config.bin %> <%= command.id %> web-alb-1234567890.eu-west-1.elb.amazonaws.com'},
    {description: 'Analyse the bundled example of the reference incident, offline', command: '<%= config.bin %> <%= command.id %> --snapshot examples/nginx-missing.json'},
    {description: 'Save what was collected, to attach to a ticket', command: '<%= config.bin %> <%= command.id %> web-alb --save-snapshot web-alb.json'},
    {description: 'Read the last day of metrics, changes and logs, to see when intermittent 5xx began and what changed before', command: '<%= config.bin %> <%= command.id %> web-alb --since 1d'},
    {description: 'List the ALBs of a region', command: '<%= config.bin %> <%= command.id %> --region us-east-1'},
    {description: 'Intermittent 502s: read the last 24 hours of metrics, changes and logs', command: '<%= config.bin %> <%= command.id %> web-alb --since 24h'},
    {description: 'Reopen a snapshot the watchdog stored', command: '<%= config.bin %> <%= command.id %> --snapshot s3://my-watchdog-bucket/snapshots/123456789012/us-east-1/web-alb.json'},
  ]

  static override args = {
    alb: Args.string({description: 'ALB name, ARN, or DNS name. Omit to list the region\'s ALBs.', required: false}),
  }

  static override flags = {
    snapshot: Flags.string({
      summary: 'Analyse a saved snapshot instead of diagnosing live: a file (no credentials needed), or s3://bucket/key (one the watchdog stored; read with the run\'s --region/--profile).',
      helpGroup: 'INPUT',
    }),
    'save-snapshot': Flags.string({summary: 'Write what was collected to this file (JSON, see docs/snapshot.md).', helpGroup: 'INPUT'}),
    'fail-on': Flags.option({options: SEVERITIES, default: 'error' as const, summary: 'Lowest severity that makes the exit code 1.'})(),
    ssm: Flags.boolean({
      summary: 'Run the read-only diagnostic script on the instances through SSM (--no-ssm: API reads only).',
      allowNo: true,
      default: true,
      helpGroup: 'SSM',
    }),
    'ssm-targets': Flags.option({
      options: ['auto', 'unhealthy', 'all'] as const,
      default: 'auto' as const,
      summary: 'Which SSM-online instances to check: auto = the unhealthy targets if any, else all.',
      helpGroup: 'SSM',
    })(),
    'ssm-timeout': Flags.integer({...SSM_TIMEOUT_SECONDS, default: 90, summary: 'Seconds to wait, at most, for the instances to answer.', helpGroup: 'SSM'}),
    since: Flags.string({
      default: '3h',
      summary: 'How far back to read the evidence over time (metrics, changes, load balancer logs): 90m, 3h, 2d; at most 90d.',
      helpGroup: 'HISTORY',
    }),
    history: Flags.boolean({
      summary: 'Read the evidence over time: when the errors began, what changed before (--no-history: the present state only).',
      allowNo: true,
      default: true,
      helpGroup: 'HISTORY',
    }),
    output: outputFlag('Report format, as the AWS CLI calls it: text (default), json (the same as --json) or markdown.'),
  }

  public async run(): Promise<unknown> {
    const {flags, args} = this
    if (args.alb !== undefined && args.alb.trim() === '') {
      throw new UserError('The load balancer to diagnose is empty.', 'Pass its name, ARN or DNS name, or run `asg-doctor diagnose` with no argument to list them.')
    }
    if (args.alb === undefined && !flags.snapshot) return this.list()
    const sinceMs = flags.history ? sinceFlag(flags.since) : undefined

    const {diagnose} = await import('../diagnose/service.js')
    const endpointUrl = endpointOverride(this.awsOptions())
    const result = await diagnose(
      {
        alb: args.alb,
        snapshotFile: flags.snapshot,
        saveSnapshot: flags['save-snapshot'],
        failOn: flags['fail-on'],
        region: flags.region,
        profile: flags.profile,
        endpointUrl: flags['endpoint-url'],
        ssm: flags.ssm,
        ssmTargets: flags['ssm-targets'],
        ssmTimeoutSeconds: flags['ssm-timeout'],
        ...(sinceMs === undefined ? {} : {history: {sinceMs}}),
      },
      {
        clients: (region) => claimEarlyClients(this.awsOptions({region})) ?? this.awsClients({region}),
        started: takeEarlyCollection,
        toolVersion: this.config.version,
        endpointUrl,
        progress: (line) => this.progress(line),
        trace: (line) => this.trace(line),
        status: (line) => this.status(line),
        readSnapshot: async (source) => (await import('../snapshot/s3.js')).readSnapshotFrom(source, this.awsOptions()),
      },
    )
    process.exitCode = exitCodeFor(result.report)
    if (!this.jsonEnabled()) {
      if (flags.output === 'markdown') {
        const {renderMarkdown} = await import('../render/markdown.js')
        process.stdout.write(renderMarkdown(result.report, {verbose: flags.verbose}))
      } else {
        const [{renderText}, {hangingTo, outputWidth}] = await Promise.all([import('../render/text.js'), import('../render/wrap.js')])
        const wrap = await hangingTo(outputWidth(process.stdout, process.env))
        process.stdout.write(renderText(result.report, {chalk: this.chalk, verbose: flags.verbose, wrap}))
      }
    }
    return result.report
  }

  private async list(): Promise<unknown> {
    const clients = this.awsClients()
    const region = await clients.region()
    const {listLoadBalancers} = await import('../collect/list.js')
    const albs = await listLoadBalancers(clients, {log: (line) => this.trace(line)})
    if (!this.jsonEnabled()) {
      const c = this.chalk
      if (albs.length === 0) {
        this.log(`No application load balancers in ${region}.`)
      } else {
        this.log(c.bold(`Application load balancers in ${region}`))
        for (const lb of albs) {
          const tgs = lb.targetGroups
            .map((t) => {
              if (t.error) return c.yellow(`${t.name} (health unknown: ${t.error})`)
              const total = t.healthy + t.unhealthy + t.other
              const line = `${t.name} ${t.healthy}/${total} healthy`
              return total === 0 || t.healthy < total ? c.red(line) : c.green(line)
            })
            .join(', ')
          this.log(`  ${c.bold(lb.name)} ${c.dim(`${lb.scheme}, ${lb.state}`)}  ${tgs || c.yellow('no target groups')}`)
          this.log(`    ${c.dim(lb.dnsName ?? '')}`)
        }
        this.log('')
        const f = this.awsOptions()
        this.log(c.dim(`Diagnose one with: ${shellCommand(raw('asg-doctor diagnose'), albs[0].name, ...awsFlagTokens({...f, region}))}`))
      }
    }
    return {region, loadBalancers: albs}
  }
}

export function exitCodeFor(report: Report): number {
  return report.status === 'healthy' ? EXIT.healthy : report.status === 'problems' ? EXIT.problems : EXIT.incomplete
}
