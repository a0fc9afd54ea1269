/**
 * What every asg-doctor command shares: the AWS CLI's global flags, --json, colour, verbosity, and error
 * handling by kind (one sentence and a hint for a user error, never a stack trace).
 */
import {Command, Flags, Errors, ux} from '@oclif/core'
import type {Interfaces} from '@oclif/core'
import {Chalk} from 'chalk'
import type {ChalkInstance} from 'chalk'
import {AwsClients} from './aws.js'
import type {AwsOptions, SdkHooks} from './aws.js'
import {EXIT, NO_CREDENTIALS, UserError, describeAwsFailure, noCredentials} from './errors.js'
import {checkAwsEnvironment, checkEndpointUrl, checkProfile, checkRegion} from './options.js'
import {addNotAwsGuard} from './sdk-hooks.js'
import {printJson} from './json-print.js'
import {Progress} from './progress.js'
import {nearest} from './suggest.js'

/** The report format flag of the commands that print a report (`--output`, alias `--format`, as the AWS CLI calls it). */
export const outputFlag = (summary: string) =>
  Flags.option({options: ['text', 'json', 'markdown'] as const, char: 'o', aliases: ['format'], summary: `${summary} Alias: --format.`, helpGroup: 'OUTPUT'})()

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
      aliases: ['debug'],
      summary: 'Explain what the tool does as it goes (AWS calls, timings, the SDK\'s own warnings), on stderr. Alias: --debug.',
      helpGroup: 'OUTPUT',
    }),
    quiet: Flags.boolean({
      char: 'q',
      summary: 'Print only the essentials (no progress).',
      helpGroup: 'OUTPUT',
      exclusive: ['verbose'],
    }),
    output: Flags.option({
      options: ['text', 'json'] as const,
      char: 'o',
      summary: 'Output format, as the AWS CLI calls it: text, or json (the same as --json).',
      helpGroup: 'OUTPUT',
    })(),
  }

  protected flags!: BaseFlags<T>
  protected args!: Interfaces.InferredArgs<T['args']>
  protected chalk!: ChalkInstance
  private progressView?: Progress
  private credentialsNoted = false

  /** --json, or --output json (also before the flags are parsed, for errors in parsing them). */
  public override jsonEnabled(): boolean {
    if (super.jsonEnabled()) return true
    const output = (this.flags as {output?: string} | undefined)?.output
    if (output) return output === 'json'
    return outputJsonInArgv(this.argv)
  }

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
    const f = this.flags as {region?: string; 'endpoint-url'?: string}
    if (f['endpoint-url'] !== undefined) f['endpoint-url'] = checkEndpointUrl(f['endpoint-url'])
    // Any region string works against an emulator; against AWS an unknown one only fails later, as a DNS error.
    if (f.region !== undefined && !f['endpoint-url']) f.region = checkRegion(f.region)
  }

  public override async finally(error: Error | undefined): Promise<unknown> {
    this.progressView?.finish()
    return super.finally(error)
  }

  /**
   * The --json output exactly as oclif prints it without a JSON colour theme (indented by two), printed in pieces
   * (src/lib/json-print.ts) rather than tokenised by oclif's colouriser first, which costs ~0.3 s and ~50 MB for the
   * report of 3,000 instances to colour nothing when there is no theme. With a theme, or a value JSON cannot hold,
   * oclif prints it.
   */
  public override logJson(json: unknown): void {
    if (this.config?.theme?.json) return super.logJson(json)
    let started = false
    try {
      const print = (lines: string) => {
        started = true
        ux.stdout(lines)
      }
      if (printJson(json, print)) return
    } catch (error) {
      // A cycle found before anything was printed: oclif's own printer marks it instead of failing.
      if (started) throw error
    }
    super.logJson(json)
  }

  public override log(message = '', ...args: unknown[]): void {
    this.progressView?.finish()
    super.log(message, ...args)
  }

  private colorLevel(): 0 | 1 | 2 | 3 {
    const flag = (this.flags as {color?: boolean}).color
    if (flag === false) return 0
    if (flag === undefined && (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '')) return 0
    if (flag === undefined && !process.stdout.isTTY && !process.env.FORCE_COLOR) return 0
    return 2
  }

  /**
   * --region, --profile and --endpoint-url, with the environment's AWS_REGION and AWS_ENDPOINT_URL checked as the
   * flags are, and the CLI's hooks into the SDK: its log lines only under --verbose (never its multi-line warnings
   * on the user's terminal), and an answer that is not AWS's named as such. HTTP time limits are src/lib/aws.ts's
   * (ASG_DOCTOR_*_TIMEOUT_MS).
   */
  protected awsOptions(overrides: Partial<AwsOptions> = {}): AwsOptions {
    const f = this.flags as {region?: string; profile?: string; 'endpoint-url'?: string}
    const options: AwsOptions = {
      region: overrides.region ?? f.region,
      profile: f.profile,
      endpointUrl: f['endpoint-url'],
      sdk: this.sdkHooks(),
    }
    checkAwsEnvironment(options)
    this.noteCredentials(options)
    return options
  }

  protected awsClients(overrides: Partial<AwsOptions> = {}): AwsClients {
    return new AwsClients(this.awsOptions(overrides))
  }

  /** Where the SDK's own log lines go: the trace under --verbose, nowhere otherwise. */
  protected sdkLogger(): NonNullable<SdkHooks['logger']> {
    const verbose = Boolean((this.flags as {verbose?: boolean} | undefined)?.verbose)
    const say = (level: string) => (...parts: unknown[]) => {
      if (verbose) this.trace(`AWS SDK ${level}: ${parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ').replace(/\s*\n\s*/g, ' ').trim()}`)
    }
    return {debug: () => {}, info: () => {}, warn: say('warning'), error: say('error')}
  }

  private sdkHooks(): SdkHooks {
    return {
      logger: this.sdkLogger(),
      onClient: (client) => addNotAwsGuard(client),
    }
  }

  /**
   * Says once, in our words, which credentials a run uses when two sources compete: a profile wins over
   * AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment (the SDK's rule, which it otherwise shouts about).
   */
  private noteCredentials(options: AwsOptions): void {
    if (this.credentialsNoted) return
    this.credentialsNoted = true
    if (options.profile && process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY) {
      this.progress(`Using the credentials of profile ${options.profile}; AWS_ACCESS_KEY_ID in the environment is ignored.`)
    }
  }

  /** Progress and explanations go to stderr, so that stdout stays clean for --json and pipes. */
  protected progress(message: string): void {
    this.progressBar().line(clip(message))
  }

  /** Detail of the step under way (a spinner's suffix on a terminal, nothing otherwise); '' clears it. */
  protected status(line: string): void {
    this.progressBar().status(line)
  }

  /** Ends the step under way (before a question or the report). */
  protected progressDone(): void {
    this.progressView?.finish()
  }

  private progressBar(): Progress {
    if (!this.progressView) {
      const f = (this.flags ?? {}) as {quiet?: boolean}
      const chalk = this.chalk ?? new Chalk({level: 0})
      this.progressView = new Progress({enabled: !f.quiet && !this.jsonEnabled(), interactive: Boolean(process.stderr.isTTY), dim: (t) => chalk.dim(t)})
    }
    return this.progressView
  }

  protected trace(message: string): void {
    if ((this.flags as {verbose?: boolean}).verbose) process.stderr.write(this.chalk.dim(`· ${message}`) + '\n')
  }

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    // oclif's own exits (this.exit(), --help, --version) pass through untouched.
    this.progressView?.finish()
    if (err instanceof Errors.ExitError) throw err
    let userError = toUserError(err, this.ctor)
    const profile = (this.flags as {profile?: string} | undefined)?.profile ?? process.env.AWS_PROFILE
    if (profile && (userError?.message === NO_CREDENTIALS || /^No AWS region is set/.test(userError?.message ?? ''))) {
      // The usual reason for both: the profile does not exist. Say that, with the profiles that do.
      userError = await checkProfile(profile).then(
        () => (userError?.message === NO_CREDENTIALS ? noCredentials(profile) : userError),
        (error: unknown) => (error instanceof UserError ? error : userError),
      )
    }
    const json = this.jsonEnabled()
    if (userError) {
      if (json) {
        this.logJson({error: {kind: 'user', message: clip(userError.message), ...(userError.hint ? {hint: clip(userError.hint)} : {})}})
      } else {
        const c = this.chalk ?? new Chalk({level: 0})
        process.stderr.write(`${c.red('Error:')} ${clip(userError.message)}\n`)
        if (userError.hint) process.stderr.write(`${c.dim('Hint:')} ${clip(userError.hint)}\n`)
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

/** `--output json`, `--output=json`, `-o json` or `-ojson` among the arguments, before `--`. */
export function outputJsonInArgv(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  const args = end === -1 ? argv : argv.slice(0, end)
  return args.some((a, i) => a === '--output=json' || a === '-ojson' || ((a === '--output' || a === '-o') && args[i + 1] === 'json'))
}

/** Flag parsing errors and AWS failures the command could not absorb are the user's to fix. */
function toUserError(err: Error, command?: {flags?: Record<string, unknown>; baseFlags?: Record<string, unknown>}): UserError | undefined {
  if (err instanceof UserError) return err
  const name = err.constructor?.name ?? ''
  if (/(Flag|Arg|Parse|Validation|FailedFlagValidation|Required|Unexpected|Nonexistent)Error$/.test(name) || (err as {parse?: unknown}).parse || /^Parsing --/.test(err.message)) {
    const first = parseErrorSentence(err.message)
    const unknown = /^Nonexistent flags?: (--?[\w-]+)/.exec(first)?.[1]
    const known = Object.keys({...command?.baseFlags, ...command?.flags, json: true})
    const near = unknown ? closestFlag(unknown, known) : undefined
    return new UserError(clip(first), near ? `Did you mean --${near}? See --help for usage.` : 'See --help for usage.')
  }
  return describeAwsFailure('an AWS call', err)
}

/** The flag closest to a mistyped one, when it is close enough to be what was meant. */
export function closestFlag(typed: string, known: readonly string[]): string | undefined {
  return nearest(typed.replace(/^-+/, '').replace(/=.*$/, ''), known, 1)
}

/**
 * oclif's parse errors as one sentence: without "The following error occurred:" and "See more help with --help",
 * and "Parsing --flag\n\tExpected ..." as "--flag: expected ...".
 */
export function parseErrorSentence(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^The following errors? occurred:?$/i.test(l) && !/^See more help with --help$/i.test(l))
  let text = lines.join(' ').replace(/^Parsing (--[\w-]+)\s*(\w)/, (_m, flag: string, c: string) => `${flag}: ${c.toLowerCase()}`)
  if (text && !/[.?!]$/.test(text)) text += '.'
  return text || message.trim()
}

/** Keeps one sentence readable when the input in it was 5,000 characters long: long words are cut short. */
export function clip(text: string): string {
  return text.replace(/\S{201,}/g, (word) => `${word.slice(0, 60)}… (${word.length} characters)`)
}
