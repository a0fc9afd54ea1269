import {Flags} from '@oclif/core'
import {BaseCommand, outputFlag} from '../lib/base-command.js'
import {AwsClients, endpointOverride} from '../lib/aws.js'
import type {AwsOptions} from '../lib/aws.js'
import {EXIT, UserError} from '../lib/errors.js'
import {checkProfile, checkRegion} from '../lib/options.js'
import {SEVERITIES} from '../rules/types.js'
import {parseFilters} from '../scan/filter.js'
import type {ScanReport} from '../scan/types.js'

export default class Scan extends BaseCommand<typeof Scan> {
  static override summary = 'Diagnose every ALB of a region, of several regions, of several accounts: one line each, worst first.'

  static override description = `Runs diagnose's API checks on each application load balancer found, sharing one set of clients and one read of each region's network, Auto Scaling groups, instances and IAM between them, and prints one line per ALB: name, region, account, verdict, healthy/total targets, the lead root cause and the command that fixes it. An ALB, region or account that cannot be read is a line of its own with the reason; the others still report. Read-only; on-instance checks (--ssm) and history (--history) are off unless asked for.

Exit codes: 0 every ALB healthy, 1 problems found in at least one (at or above --fail-on), 2 user error, 3 internal error, 4 no problem found but something could not be read or checked.`

  static override examples = [
    {description: 'Every ALB of the configured region', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Two regions, two accounts', command: '<%= config.bin %> <%= command.id %> --regions eu-west-1,us-east-1 --profile prod --profile staging'},
    {description: 'Every enabled region, only the web-* ALBs of team payments', command: '<%= config.bin %> <%= command.id %> --regions all --filter "web-*" --filter tag:team=payments'},
    {description: 'A table for a ticket', command: '<%= config.bin %> <%= command.id %> --output markdown > fleet.md'},
  ]

  static override flags = {
    regions: Flags.string({
      multiple: true,
      delimiter: ',',
      summary: 'Regions to scan, comma-separated, or "all" for every region enabled for the account (default: --region or the configured one).',
      helpGroup: 'SCOPE',
    }),
    profile: Flags.string({
      multiple: true,
      summary: 'Named profile to scan with, repeatable: one account each (default: the standard credential chain).',
      helpGroup: 'SCOPE',
    }),
    filter: Flags.string({
      multiple: true,
      summary: 'Keep ALBs whose name matches this glob (* and ?) or that carry this tag (tag:KEY=VALUE, tag:KEY); repeatable.',
      helpGroup: 'SCOPE',
    }),
    ssm: Flags.boolean({summary: 'Also run the read-only diagnostic script on the instances through SSM (off for a scan).', allowNo: true, default: false}),
    history: Flags.boolean({summary: 'Also collect the evidence over time: metrics, changes, logs (off for a scan).', allowNo: true, default: false}),
    'fail-on': Flags.option({options: SEVERITIES, default: 'error' as const, summary: 'Lowest severity that makes the exit code 1.'})(),
    concurrency: Flags.integer({min: 1, max: 32, default: 4, summary: 'ALBs diagnosed at once per region.'}),
    output: outputFlag('Report format: text (default), json (the same as --json) or markdown (a table).'),
  }

  public async run(): Promise<unknown> {
    // --profile is repeatable here (one account each), where the base flag is a single string.
    const flags = this.flags as unknown as ScanFlags
    const endpointUrl = endpointOverride(this.awsOptions())
    const regions = this.regions(flags.regions, flags.region, endpointUrl)
    const profiles = flags.profile ?? []
    for (const p of profiles) await checkProfile(p)
    parseFilters(flags.filter ?? [])

    const {scanFleet} = await import('../scan/service.js')
    this.progress(`Scanning ${describeScope(regions, profiles)}…`)
    const report = await scanFleet(
      {regions, profiles, filter: flags.filter ?? [], endpointUrl, failOn: flags['fail-on'], ssm: flags.ssm, history: flags.history, concurrency: flags.concurrency},
      {
        clients: (region, profile) => new AwsClients(this.scopedOptions(region, profile)),
        toolVersion: this.config.version,
        progress: (done, total) => this.status(`${done}/${total} ALBs`),
        trace: (line) => this.trace(line),
      },
    )
    this.progressDone()
    process.exitCode = scanExitCode(report)
    if (!this.jsonEnabled()) {
      const {renderScanMarkdown, renderScanText} = await import('../scan/render.js')
      process.stdout.write(flags.output === 'markdown' ? renderScanMarkdown(report) : renderScanText(report, {chalk: this.chalk, endpointUrl}))
    }
    return report
  }

  /** The base options, for one region and one profile of the scan rather than the flags' single ones. */
  private scopedOptions(region: string | undefined, profile: string | undefined): AwsOptions {
    const options = this.awsOptions(region ? {region} : {})
    return {...options, profile}
  }

  private regions(listed: string[] | undefined, region: string | undefined, endpointUrl: string | undefined): string[] {
    const named = (listed ?? []).map((r) => r.trim()).filter(Boolean)
    if (listed && named.length === 0) throw new UserError('--regions is empty.', 'Pass regions such as --regions eu-west-1,us-east-1, or --regions all.')
    if (named.includes('all')) {
      if (named.length > 1) throw new UserError('--regions all cannot be combined with named regions.', 'Pass either --regions all or a list such as --regions eu-west-1,us-east-1.')
      return ['all']
    }
    // Any region name works against an emulator; against AWS an unknown one would only fail later, as a DNS error.
    if (named.length > 0) return endpointUrl ? named : named.map((r) => checkRegion(r, '--regions'))
    return region ? [region] : []
  }
}

interface ScanFlags {
  regions?: string[]
  region?: string
  profile?: string[]
  filter?: string[]
  ssm: boolean
  history: boolean
  'fail-on': (typeof SEVERITIES)[number]
  concurrency: number
  output?: 'text' | 'json' | 'markdown'
}

function describeScope(regions: readonly string[], profiles: readonly string[]): string {
  const where = regions.length === 0 ? 'the configured region' : regions[0] === 'all' ? 'every enabled region' : regions.join(', ')
  return profiles.length > 1 ? `${where} of ${profiles.length} accounts` : where
}

/** The exit code of the worst verdict: problems 1; unreadable or incomplete 4; else 0. */
export function scanExitCode(report: ScanReport): number {
  const n = report.summary.byVerdict
  if (n.problems > 0) return EXIT.problems
  if (n.error > 0 || n.incomplete > 0) return EXIT.incomplete
  return EXIT.healthy
}
