/**
 * What deploy and destroy share: the endpoint the toolkit is pointed at (--endpoint-url first, then
 * AWS_ENDPOINT_URL), handed to toolkit-lib and back to the service, and the terminal I/O.
 */
import {afterEach, describe, expect, it, vi} from 'vitest'
import type {ToolkitOptions} from '../../src/deploy/toolkit.js'

const made: ToolkitOptions[] = []
vi.mock('../../src/deploy/toolkit.js', () => ({
  // The real one loads toolkit-lib and aws-cdk-lib (seconds, hundreds of MB): record the options instead.
  createCdkToolkit: async (options: ToolkitOptions) => {
    made.push(options)
    return {synth: async () => ({})}
  },
}))
const {commandToolkit, terminalIo} = await import('../../src/deploy/command.js')

const onEvent = () => undefined

afterEach(() => {
  made.length = 0
  vi.unstubAllEnvs()
})

describe('commandToolkit', () => {
  it('prefers --endpoint-url to AWS_ENDPOINT_URL', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', 'http://127.0.0.1:5001')
    const out = await commandToolkit({region: 'eu-west-1', profile: 'p', endpointUrl: 'http://127.0.0.1:5000', onEvent})
    expect(out.endpointUrl).toBe('http://127.0.0.1:5000')
    expect(made).toEqual([{region: 'eu-west-1', profile: 'p', endpointUrl: 'http://127.0.0.1:5000', onEvent}])
  })

  it('falls back to AWS_ENDPOINT_URL, and to none', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', 'http://127.0.0.1:5001')
    expect((await commandToolkit({region: 'eu-west-1', onEvent})).endpointUrl).toBe('http://127.0.0.1:5001')
    vi.stubEnv('AWS_ENDPOINT_URL', undefined)
    expect((await commandToolkit({region: 'eu-west-1', onEvent})).endpointUrl).toBeUndefined()
    expect(made.map((o) => o.endpointUrl)).toEqual(['http://127.0.0.1:5001', undefined])
  })
})

describe('terminalIo', () => {
  it('shows the plan on stderr and passes progress to the command', () => {
    const progress: string[] = []
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      const io = terminalIo((line) => progress.push(line))
      io.show('Plan: x')
      io.progress('Deploying')
      expect(write.mock.calls.map((c) => c[0])).toEqual(['Plan: x\n'])
      expect(progress).toEqual(['Deploying'])
      expect(typeof io.ask).toBe('function')
    } finally {
      write.mockRestore()
    }
  })
})

describe('routeToolkitEvents', () => {
  it('sends errors to stderr always, results and debug to --verbose, the rest to progress', async () => {
    const {routeToolkitEvents} = await import('../../src/deploy/command.js')
    const trace: string[] = []
    const progress: string[] = []
    const stderr: string[] = []
    const write = process.stderr.write
    process.stderr.write = ((chunk: string) => (stderr.push(chunk), true)) as typeof process.stderr.write
    try {
      const route = routeToolkitEvents({trace: (l) => trace.push(l), progress: (l) => progress.push(l)})
      route({level: 'error', code: 'E', message: 'stack failed'})
      route({level: 'result', code: 'R', message: 'Outputs: ...'})
      route({level: 'debug', code: 'D', message: 'details'})
      route({level: 'info', code: 'I', message: 'creating'})
      route({level: 'info', code: 'I', message: ''})
    } finally {
      process.stderr.write = write
    }
    expect(stderr).toEqual(['stack failed\n'])
    expect(trace).toEqual(['Outputs: ...', 'details'])
    expect(progress).toEqual(['creating'])
  })

  it('keeps toolkit-lib\'s repeats of what the command says itself off the progress, and each line once', async () => {
    const {routeToolkitEvents} = await import('../../src/deploy/command.js')
    const trace: string[] = []
    const progress: string[] = []
    const route = routeToolkitEvents({trace: (l) => trace.push(l), progress: (l) => progress.push(l)})
    // As toolkit-lib 1.40 sends them during a deployment (codes and texts seen against moto).
    route({level: 'info', code: 'CDK_TOOLKIT_I1000', message: '  Synthesis time: 0.08s'})
    route({level: 'info', code: 'CDK_TOOLKIT_I5100', message: 'web: deploying... [1/1]'})
    route({level: 'info', message: 'web: creating stack...'})
    route({level: 'info', code: 'CDK_TOOLKIT_I5501', message: 'Deploying web'})
    route({level: 'info', code: 'CDK_TOOLKIT_I5502', message: 'web | 0 | 9:47:30 PM | CREATE_IN_PROGRESS | AWS::CloudFormation::Stack | web User Initiated'})
    route({level: 'info', code: 'CDK_TOOLKIT_I5502', message: 'web | 0 | 9:47:30 PM | CREATE_IN_PROGRESS | AWS::CloudFormation::Stack | web User Initiated'})
    route({level: 'info', code: 'CDK_TOOLKIT_I5503', message: 'Completed web'})
    route({level: 'info', code: 'CDK_TOOLKIT_I5000', message: '  Deployment time: 0.56s'})
    route({level: 'info', code: 'CDK_TOOLKIT_I5901', message: 'Outputs:\nweb.AlbName = web-alb'})
    route({level: 'info', code: 'CDK_TOOLKIT_I5001', message: '  Total time: 0.64s'})
    route({level: 'warn', code: 'CDK_TOOLKIT_W0000', message: 'something to know'})
    expect(progress).toEqual(['web | 0 | 9:47:30 PM | CREATE_IN_PROGRESS | AWS::CloudFormation::Stack | web User Initiated', 'something to know'])
    expect(trace).toContain('Outputs:\nweb.AlbName = web-alb')
  })
})
