/**
 * bin/run.js answers --version and help from the manifest without loading all of oclif
 * (src/startup/fast-path.ts). What it prints must be what oclif prints: each case runs both ways and compares.
 */
import {mkdtempSync, mkdirSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'
import {serveFromManifest} from '../../src/startup/fast-path.js'
import {ROOT, run} from './run.js'

const COMMANDS = ['deploy', 'destroy', 'diagnose', 'fix-nginx', 'policy', 'synth']

describe('help and --version from the manifest', () => {
  it.each([[[]], [['--help']], [['--version']], ...COMMANDS.flatMap((c) => [[[c, '--help']], [['--help', c]]])])('%j prints what oclif prints', (args: string[]) => {
    const fast = run(args)
    const oclif = run(args, {ASG_DOCTOR_NO_FAST_PATH: '1'})
    expect(fast.code).toBe(oclif.code)
    expect(fast.stderr).toBe(oclif.stderr)
    expect(fast.stdout).toBe(oclif.stdout)
    expect(fast.stdout.length).toBeGreaterThan(20)
  })
})

describe('serveFromManifest', () => {
  let out: string
  let home: string
  const saved = {...process.env}
  beforeEach(() => {
    out = ''
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk)
      return true
    })
    home = mkdtempSync(join(tmpdir(), 'asgd-fast-'))
    process.env.HOME = home
    delete process.env.XDG_CONFIG_HOME
    delete process.env.ASG_DOCTOR_CONFIG_DIR
  })
  afterEach(() => {
    vi.restoreAllMocks()
    process.env = {...saved}
  })

  it('serves --version and help itself', () => {
    expect(serveFromManifest(['--version'], ROOT)).toBe(true)
    expect(out).toMatch(/^asg-doctor\/\d+\.\d+\.\d+ \S+-\S+ node-v\d+/)
    // What help prints is compared with oclif's above (oclif's writer is not process.stdout.write in this process).
    expect(serveFromManifest(['diagnose', '--help'], ROOT)).toBe(true)
  })

  it.each([
    [['diagnose', 'web-alb']],
    [['diagnose', 'web-alb', '--help']],
    [['--help', '--json']],
    [['--version', 'diagnose']],
    [['no-such-command', '--help']],
    [['-h']],
  ])('leaves %j to oclif', (args: string[]) => {
    expect(serveFromManifest(args, ROOT)).toBe(false)
    expect(out).toBe('')
  })

  it('leaves help to oclif when the user has a theme', () => {
    mkdirSync(join(home, '.config', 'asg-doctor'), {recursive: true})
    writeFileSync(join(home, '.config', 'asg-doctor', 'theme.json'), '{"bin": "red"}')
    expect(serveFromManifest(['--help'], ROOT)).toBe(false)
  })
})
