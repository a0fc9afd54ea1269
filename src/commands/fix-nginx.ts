import {readFileSync} from 'node:fs'
import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../lib/base-command.js'
import {endpointOverride, regionFromArn, regionFromDnsName} from '../lib/aws.js'
import {EXIT, UserError} from '../lib/errors.js'

export default class FixNginx extends BaseCommand<typeof FixNginx> {
  static override summary = 'Install and start nginx on the instances behind an ALB, through SSM, then check the ALB answers.'

  static override description = `The fix of the reference incident: the targets are unhealthy because nothing answers the health check. Finds the instances registered in the ALB's target group (or takes --instance-ids), skips those it cannot reach (not running, not Linux, not Online in Systems Manager) and says why, shows the plan, and applies it only with --yes or a "y" at the terminal. On each instance, a script installs nginx (dnf, yum or apt-get), makes it answer the target group's port and health-check path with 200, writes an index page, checks the configuration with nginx -t, and enables and starts it. Running it again changes nothing.

Then it waits (up to --timeout) for the targets to turn healthy and asks the ALB's DNS name for the health-check path.

A fix on running instances dies with them: --persist writes the same install into a new launch template version and points the Auto Scaling group at it; --refresh then replaces the running instances.

Exit codes: 0 every instance fixed and verified (or --dry-run), 1 any instance skipped, failed or not healthy (or the plan was declined), 2 user error (bad input, no terminal to confirm on, a missing IAM permission).`

  static override examples = [
    {description: 'See the plan only', command: '<%= config.bin %> <%= command.id %> web-alb --dry-run'},
    {description: 'Fix the running instances, no questions asked', command: '<%= config.bin %> <%= command.id %> web-alb --yes'},
    {description: 'With your own page, and for the instances to come', command: '<%= config.bin %> <%= command.id %> web-alb --index-file site/index.html --persist --refresh --yes'},
    {description: 'Two instances of a target group', command: '<%= config.bin %> <%= command.id %> --target-group-arn arn:aws:elasticloadbalancing:... --instance-ids i-0abc...,i-0def... --yes'},
  ]

  static override args = {
    alb: Args.string({description: 'ALB name, ARN or DNS name.', required: false}),
  }

  static override flags = {
    'target-group-arn': Flags.string({summary: 'The target group to fix (needed when the ALB has several instance target groups).', helpGroup: 'TARGETS'}),
    'instance-ids': Flags.string({summary: 'Only these instances (comma-separated); with no ALB or target group, any instances.', helpGroup: 'TARGETS'}),
    port: Flags.integer({summary: 'Port nginx listens on, with --instance-ids alone (default 80).', min: 1, max: 65535, helpGroup: 'TARGETS'}),
    'health-check-path': Flags.string({summary: 'Path answered with 200, with --instance-ids alone (default /).', helpGroup: 'TARGETS'}),
    yes: Flags.boolean({char: 'y', summary: 'Apply the plan without asking.'}),
    'dry-run': Flags.boolean({summary: 'Show the plan and stop; nothing is changed.'}),
    'index-file': Flags.string({summary: 'Serve this file as the index page (default: a small page of its own).'}),
    persist: Flags.boolean({summary: 'Also put the install into a new launch template version used by the Auto Scaling group.', helpGroup: 'PERSIST'}),
    refresh: Flags.boolean({summary: 'With --persist: start an instance refresh, so running instances are replaced by fixed ones.', helpGroup: 'PERSIST'}),
    'min-healthy-percentage': Flags.integer({summary: 'MinHealthyPercentage of the instance refresh.', default: 90, min: 0, max: 100, helpGroup: 'PERSIST'}),
    timeout: Flags.integer({summary: 'Seconds to wait for the install, and again for the targets to turn healthy.', default: 300, min: 10}),
    verify: Flags.boolean({summary: 'Wait for healthy targets and probe the ALB after the install (--no-verify to skip).', default: true, allowNo: true}),
  }

  public async run(): Promise<unknown> {
    const {flags, args} = this
    const json = this.jsonEnabled()
    const [{runFix}, {renderPlan, renderReport}, {createCommandRunner}, {httpProbe}, {askOnTerminal}, {systemClock}, {CallRunner}] = await Promise.all([
      import('../fix/run.js'),
      import('../fix/render.js'),
      import('../ssm/run-command.js'),
      import('../fix/http-probe.js'),
      import('../fix/confirm.js'),
      import('../ssm/types.js'),
      import('../collect/runner.js'),
    ])
    const region = flags.region ?? regionOf(args.alb, flags['target-group-arn'])
    const clients = this.awsClients({region})
    // One runner for every AWS call of the fix, the SSM commands included: one count, one log, one way to fail.
    const calls = new CallRunner(8, (line) => this.trace(line))
    const report = await runFix(
      {
        alb: args.alb,
        targetGroupArn: flags['target-group-arn'],
        instanceIds: flags['instance-ids']?.split(',').map((s) => s.trim()).filter(Boolean),
        port: flags.port,
        healthCheckPath: flags['health-check-path'],
        ...(flags['index-file'] ? {indexHtml: readIndex(flags['index-file'])} : {}),
        indexSource: flags['index-file'] ?? 'default',
        persist: flags.persist,
        refresh: flags.refresh,
        minHealthyPercentage: flags['min-healthy-percentage'],
        timeoutSeconds: flags.timeout,
        verify: flags.verify,
        yes: flags.yes,
        dryRun: flags['dry-run'],
        interactive: !json && !!process.stdin.isTTY && !!process.stdout.isTTY,
      },
      {
        clients,
        calls,
        // Built on first use only: a dry run never loads the SSM runner's client.
        runner: {runShellScript: (request) => createCommandRunner({ssm: clients.ssm, clock: systemClock, calls}).runShellScript(request)},
        clock: systemClock,
        probe: httpProbe(),
        endpointOverride: endpointOverride(this.awsOptions({region})),
        ask: askOnTerminal,
        showPlan: (plan) => {
          if (!json) this.log(renderPlan(plan, this.chalk, {showScript: flags.verbose}) + '\n')
        },
        progress: (line) => this.progress(line),
      },
    )
    this.trace(`${calls.stats().calls} AWS call(s)`)
    if (!json) this.log(renderReport(report, this.chalk))
    process.exitCode = report.ok ? EXIT.healthy : EXIT.problems
    return report
  }
}

function regionOf(alb?: string, tgArn?: string): string | undefined {
  return (alb?.startsWith('arn:') ? regionFromArn(alb) : alb ? regionFromDnsName(alb) : undefined) ?? (tgArn ? regionFromArn(tgArn) : undefined)
}

function readIndex(path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (error) {
    throw new UserError(`Cannot read the index file ${path}: ${(error as Error).message}`)
  }
}
