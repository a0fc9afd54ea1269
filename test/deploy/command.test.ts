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
})
