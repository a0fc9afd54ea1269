/**
 * The CDK toolkit behind a small interface, so the deploy service can be tested without AWS and the command
 * loads aws-cdk-lib and @aws-cdk/toolkit-lib (~2 s, ~470 MB) only when it runs, never at start-up.
 *
 * toolkit-lib has no endpoint option: AWS_ENDPOINT_URL, set before the Toolkit is made, points every SDK client
 * it builds at an emulator. The stack is region-agnostic: it goes to the region of the base credentials.
 */
import type {App} from 'aws-cdk-lib'

export interface ToolkitEvent {
  level: 'error' | 'result' | 'warn' | 'info' | 'debug' | 'trace'
  code?: string
  message: string
}

export interface ToolkitOptions {
  region: string
  profile?: string
  endpointUrl?: string
  onEvent: (event: ToolkitEvent) => void
  /** Where the SDK's own warnings go (the credential chain's): --verbose only, never straight to the terminal. */
  logger?: {debug(...a: unknown[]): void; info(...a: unknown[]): void; warn(...a: unknown[]): void; error(...a: unknown[]): void}
}

export interface DeployedStack {
  stackName: string
  stackArn?: string
  outputs: Record<string, string>
}

/** One synthesised stack, ready to deploy or destroy. */
export interface SynthesizedStack {
  template: Record<string, unknown> & {Resources?: Record<string, unknown>}
  deploy(): Promise<DeployedStack>
  destroy(): Promise<void>
  /** Runs `cdk bootstrap` for the stack's account and region. */
  bootstrap(): Promise<void>
  dispose(): Promise<void>
}

/** A stack to synthesise: its name, and how to build its app into the toolkit's output directory. */
export interface StackSpec {
  stackName: string
  assemble(outdir?: string): Promise<ReturnType<App['synth']>>
}

export interface StackToolkit {
  synth(spec: StackSpec): Promise<SynthesizedStack>
}

/** True for a deployment that needs `cdk bootstrap` first: no bootstrap version parameter, or no staging bucket. */
export function isNotBootstrapped(error: unknown): boolean {
  const e = error as {message?: string; name?: string}
  return /cdk-bootstrap|has the environment been bootstrapped|run 'cdk bootstrap'|bootstrap stack version/i.test(`${e?.name ?? ''} ${e?.message ?? ''}`)
}

/** True for toolkit-lib's "template too large, cdk bootstrap is required" failure. */
export function isTemplateTooLarge(error: unknown): boolean {
  const e = error as {message?: string; name?: string}
  return /too large to deploy|TemplateTooLargeToDeploy/i.test(`${e?.name ?? ''} ${e?.message ?? ''}`)
}

/** toolkit-lib's messages carry ANSI colour and emoji even when asked not to in places; keep plain text. */
export function plainText(message: string): string {
  // eslint-disable-next-line no-control-regex
  return message.replace(/\u001b\[[0-9;]*m/g, '').trimEnd()
}

export async function createCdkToolkit(options: ToolkitOptions): Promise<StackToolkit> {
  if (options.endpointUrl) process.env.AWS_ENDPOINT_URL = options.endpointUrl
  const [lib, {fromNodeProviderChain}] = await Promise.all([import('@aws-cdk/toolkit-lib'), import('@aws-sdk/credential-providers')])
  const toolkit = new lib.Toolkit({
    color: false,
    emojis: false,
    ioHost: {
      async notify(msg) {
        options.onEvent({level: msg.level, code: msg.code, message: plainText(msg.message)})
      },
      // The person already confirmed the plan (or passed --yes): toolkit-lib's own questions take their defaults.
      async requestResponse<T>(msg: {defaultResponse: T}): Promise<T> {
        return msg.defaultResponse
      },
    },
    sdkConfig: {
      baseCredentials: lib.BaseCredentials.custom({
        provider: fromNodeProviderChain({...(options.profile ? {profile: options.profile} : {}), ...(options.logger ? {logger: options.logger} : {})}),
        region: options.region,
      }),
    },
  })
  return {
    async synth(spec) {
      const source = await toolkit.fromAssemblyBuilder(async (builder) => spec.assemble(builder.outdir))
      const assembly = await toolkit.synth(source)
      const stack = assembly.cloudAssembly.getStackByName(spec.stackName)
      const selector = {strategy: lib.StackSelectionStrategy.PATTERN_MUST_MATCH_SINGLE, patterns: [stack.hierarchicalId]}
      return {
        template: stack.template,
        async deploy() {
          // Direct deployment: the stack's outputs come back on every endpoint (the emulator returns none after
          // a change set), and the plan has already been shown and confirmed.
          const result = await toolkit.deploy(assembly, {stacks: selector, deploymentMethod: {method: 'direct'}})
          const deployed = result.stacks[0]
          return {stackName: deployed?.stackName ?? spec.stackName, stackArn: deployed?.stackArn, outputs: deployed?.outputs ?? {}}
        },
        async destroy() {
          await toolkit.destroy(assembly, {stacks: selector})
        },
        async bootstrap() {
          await toolkit.bootstrap(await lib.BootstrapEnvironments.fromCloudAssemblySource(assembly))
        },
        async dispose() {
          await assembly.dispose()
        },
      }
    },
  }
}
