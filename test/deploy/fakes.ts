/**
 * A recording deployment for the deploy services' tests: the I/O and the toolkit write what happened, in order,
 * into one log, so a test can assert that the plan came before the question and nothing was deployed without a yes.
 */
import type {DeployIo} from '../../src/deploy/service.js'
import type {DeployedStack, StackSpec, StackToolkit} from '../../src/deploy/toolkit.js'

export interface FakeOptions {
  interactive?: boolean
  answer?: boolean
  deployError?: Error
  /** The synthesised template's resources (default: 10 empty ones). */
  resources?: Record<string, unknown>
  outputs: Record<string, string>
  stackArn?: string
}

export function recordingDeployment(opts: FakeOptions): {log: string[]; io: DeployIo; toolkit: StackToolkit} {
  const log: string[] = []
  const io: DeployIo = {
    interactive: opts.interactive ?? false,
    show: (line) => log.push(`show: ${line}`),
    progress: (line) => log.push(`progress: ${line}`),
    ask: async (q) => {
      log.push(`ask: ${q}`)
      return opts.answer ?? false
    },
  }
  const resources = opts.resources ?? Object.fromEntries(Array.from({length: 10}, (_, i) => [`R${i}`, {}]))
  const toolkit: StackToolkit = {
    async synth(spec: StackSpec) {
      log.push(`synth: ${spec.stackName}`)
      return {
        template: {Resources: resources},
        async deploy(): Promise<DeployedStack> {
          log.push('deploy')
          if (opts.deployError) throw opts.deployError
          return {stackName: spec.stackName, ...(opts.stackArn ? {stackArn: opts.stackArn} : {}), outputs: opts.outputs}
        },
        async destroy() {
          log.push('destroy')
        },
        async bootstrap() {
          log.push('bootstrap')
        },
        async dispose() {
          log.push('dispose')
        },
      }
    },
  }
  return {log, io, toolkit}
}
