/**
 * What every asg-doctor command shares: the AWS CLI's global flags, --json, colour, verbosity, and error
 * handling by kind (one sentence and a hint for a user error, never a stack trace).
 */
import {Command, Flags, Errors} from '@oclif/core'
import type {Interfaces} from '@oclif/core'
import {Chalk} from 'chalk'
import type {ChalkInstance} from 'chalk'
import {AwsClients} from './aws.js'
import type {AwsOptions} from './aws.js'
import {EXIT, NO_CREDENTIALS, UserError, describeAwsFailure, noCredentials} from './errors.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    region: Flags.string({
      summary: 'AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, or the profile\'s region).',
      helpGroup: 'AWS',
    }),
    profile: Flags.string({
      summary: 'Named profile from your AWS config and credentials files.',
      env: 'AWS_PROFILE',
      helpGroup: 'AWS',
    }),
    'endpoint-url': Flags.string({
      summary: 'Send every AWS call to this URL (an emulator such as moto). AWS_ENDPOINT_URL works too.',
      helpGroup: 'AWS',
    }),
    color: Flags.boolean({
      summary: 'Colour the output (default: on a terminal, unless NO_COLOR is set).',
      allowNo: true,
      helpGroup: 'OUTPUT',
    }),
    verbose: Flags.boolean({
      char: 'v',
      summary: 'Explain what the tool does as it goes (AWS calls, timings), on stderr.',
      helpGroup: 'OUTPUT',
    }),
    quiet: Flags.boolean({
      char: 'q',
      summary: 'Print only the essentials (no progress).',
      helpGroup: 'OUTPUT',
      exclusive: ['verbose'],
    }),
  }

  protected flags!: BaseFlags<T>
  protected args!: Interfaces.InferredArgs<T['args']>
  protected chalk!: ChalkInstance

  public override async init(): Promise<void> {
    await super.init()
    const {args, flags} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    this.args = args as Interfaces.InferredArgs<T['args']>
    this.chalk = new Chalk({level: this.colorLevel()})
  }

  private colorLevel(): 0 | 1 | 2 | 3 {
    const flag = (this.flags as {color?: boolean}).color
    if (flag === false) return 0
    if (flag === undefined && (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '')) return 0
    if (flag === undefined && !process.stdout.isTTY && !process.env.FORCE_COLOR) return 0
    return 2
  }

  protected awsOptions(overrides: Partial<AwsOptions> = {}): AwsOptions {
    const f = this.flags as {region?: string; profile?: string; 'endpoint-url'?: string}
    return {
      region: overrides.region ?? f.region,
      profile: f.profile,
      endpointUrl: f['endpoint-url'],
    }
  }

  protected awsClients(overrides: Partial<AwsOptions> = {}): AwsClients {
    return new AwsClients(this.awsOptions(overrides))
  }

  /** Progress and explanations go to stderr, so that stdout stays clean for --json and pipes. */
  protected progress(message: string): void {
    const f = this.flags as {quiet?: boolean; json?: boolean}
    if (f.quiet || f.json) return
    process.stderr.write(this.chalk.dim(message) + '\n')
  }

  /** A status line that the next one replaces, on a terminal only (an empty line clears it). */
  protected status(line: string): void {
    const f = this.flags as {quiet?: boolean; json?: boolean}
    if (f.quiet || f.json || !process.stderr.isTTY) return
    process.stderr.write(`\r\u001b[K${line ? this.chalk.dim(line) : ''}`)
  }

  protected trace(message: string): void {
    if ((this.flags as {verbose?: boolean}).verbose) process.stderr.write(this.chalk.dim(`· ${message}`) + '\n')
  }

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    // oclif's own exits (this.exit(), --help, --version) pass through untouched.
    if (err instanceof Errors.ExitError) throw err
    let userError = toUserError(err)
    const profile = (this.flags as {profile?: string} | undefined)?.profile
    if (userError?.message === NO_CREDENTIALS && profile) userError = noCredentials(profile)
    const json = process.argv.includes('--json')
    if (userError) {
      if (json) {
        this.logJson({error: {kind: 'user', message: userError.message, ...(userError.hint ? {hint: userError.hint} : {})}})
      } else {
        const c = this.chalk ?? new Chalk({level: 0})
        process.stderr.write(`${c.red('Error:')} ${userError.message}\n`)
        if (userError.hint) process.stderr.write(`${c.dim('Hint:')} ${userError.hint}\n`)
      }
      this.exit(EXIT.user)
    }
    if (json) {
      this.logJson({error: {kind: 'internal', message: err.message}})
    } else {
      process.stderr.write(`asg-doctor hit an internal error: ${err.message}\n`)
      if ((this.flags as {verbose?: boolean} | undefined)?.verbose || process.env.DEBUG) process.stderr.write(`${err.stack}\n`)
      else process.stderr.write('Run again with --verbose for the stack trace, and please report it.\n')
    }
    this.exit(EXIT.internal)
  }
}

/** Flag parsing errors and AWS failures the command could not absorb are the user's to fix. */
function toUserError(err: Error): UserError | undefined {
  if (err instanceof UserError) return err
  const name = err.constructor?.name ?? ''
  if (/(Flag|Arg|Parse|Validation|FailedFlagValidation|Required|Unexpected|Nonexistent)Error$/.test(name) || (err as {parse?: unknown}).parse) {
    const first = err.message.split('\n').find((l) => l.trim() !== '') ?? err.message
    return new UserError(first.trim(), 'See --help for usage.')
  }
  return describeAwsFailure('an AWS call', err)
}
