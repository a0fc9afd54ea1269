/**
 * bin/run.js answers --version and help from the manifest without loading all of oclif
 * (src/startup/fast-path.ts). What it prints must be what oclif prints: each case runs both ways and compares.
 */
import {copyFileSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'
import {serveFromManifest} from '../../src/startup/fast-path.js'
import {ROOT, run} from './run.js'

const COMMANDS = ['deploy', 'destroy', 'diagnose', 'fix-nginx', 'policy', 'synth']
// The commands of the plugins listed in package.json (oclif.plugins), from their own manifests.
const PLUGIN_COMMANDS = ['autocomplete', 'help', 'version']
const PLUGINS = ['@oclif/plugin-help', '@oclif/plugin-version', '@oclif/plugin-autocomplete']

describe('help and --version from the manifests', () => {
  it.each([
    [[]],
    [['--help']],
    [['-h']],
    [['help']],
    [['--version']],
    [['version']],
    [['--help', 'diagnose']],
    [['diagnose', '-h']],
    [['-h', 'autocomplete']],
    ...[...COMMANDS, ...PLUGIN_COMMANDS].flatMap((c) => [[[c, '--help']], [['help', c]]]),
  ])('%j prints what oclif prints', (args: string[]) => {
    const fast = run(args)
    const oclif = run(args, {ASG_DOCTOR_NO_FAST_PATH: '1'})
    expect(fast.code).toBe(oclif.code)
    expect(fast.stderr).toBe(oclif.stderr)
    expect(fast.stdout).toBe(oclif.stdout)
    expect(fast.stdout.length).toBeGreaterThan(20)
  })

  it('lists the plugins\' commands in the root help, but not their hidden ones', () => {
    const {stdout} = run(['--help'])
    for (const c of [...COMMANDS, ...PLUGIN_COMMANDS]) expect(stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'))
    expect(stdout).not.toMatch(/autocomplete[: ](create|script)/)
  })
})

/** A copy of the CLI's package.json, its manifest and the plugins' package.json and manifests, to break one at a time. */
function fixtureRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'asgd-fast-root-'))
  for (const f of ['package.json', 'oclif.manifest.json']) copyFileSync(join(ROOT, f), join(dir, f))
  for (const p of PLUGINS) {
    mkdirSync(join(dir, 'node_modules', p), {recursive: true})
    for (const f of ['package.json', 'oclif.manifest.json']) copyFileSync(join(ROOT, 'node_modules', p, f), join(dir, 'node_modules', p, f))
  }
  return dir
}

interface PackageJson {
  dependencies: Record<string, string>
  oclif: {plugins: string[]; hooks?: Record<string, string>}
}
interface Manifest {
  version: string
  commands: Record<string, {id: string}>
}

function editJson<T>(path: string, edit: (j: T) => void): void {
  const j = JSON.parse(readFileSync(path, 'utf8')) as T
  edit(j)
  writeFileSync(path, JSON.stringify(j))
}

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

  it.each([[['-h']], [['help']], [['help', 'diagnose']], [['diagnose', '-h']], [['autocomplete', '--help']], [['version']]])('serves %j itself', (args: string[]) => {
    expect(serveFromManifest(args, ROOT)).toBe(true)
  })

  it.each([
    [['diagnose', 'web-alb']],
    [['diagnose', 'web-alb', '--help']],
    [['--help', '--json']],
    [['--version', 'diagnose']],
    [['no-such-command', '--help']],
    [['help', 'no-such-command']],
    [['help', 'diagnose', 'web-alb']],
    [['help', '--nested-commands']],
    [['-h', '--help']],
    [['version', '--json']],
    [['autocomplete:create', '--help']],
    [['autocomplete', 'create', '--help']],
  ])('leaves %j to oclif', (args: string[]) => {
    expect(serveFromManifest(args, ROOT)).toBe(false)
    expect(out).toBe('')
  })

  it('leaves help to oclif when the user has a theme', () => {
    mkdirSync(join(home, '.config', 'asg-doctor'), {recursive: true})
    writeFileSync(join(home, '.config', 'asg-doctor', 'theme.json'), '{"bin": "red"}')
    expect(serveFromManifest(['--help'], ROOT)).toBe(false)
  })

  it('leaves help to oclif when DEBUG asks for its log', () => {
    process.env.DEBUG = 'oclif:*'
    expect(serveFromManifest(['--help'], ROOT)).toBe(false)
  })

  it('leaves everything to oclif when the user installed plugins', () => {
    mkdirSync(join(home, '.local', 'share', 'asg-doctor'), {recursive: true})
    writeFileSync(join(home, '.local', 'share', 'asg-doctor', 'package.json'), '{"oclif": {"plugins": []}}')
    expect(serveFromManifest(['--help'], ROOT)).toBe(false)
  })

  describe('with the plugins listed in package.json', () => {
    it('serves help from an intact copy', () => {
      expect(serveFromManifest(['--help'], fixtureRoot())).toBe(true)
    })

    it.each(PLUGINS)('leaves help to oclif when the manifest of %s is from another version', (p) => {
      const dir = fixtureRoot()
      editJson(join(dir, 'node_modules', p, 'oclif.manifest.json'), (m: Manifest) => {
        m.version = '0.0.1'
      })
      expect(serveFromManifest(['--help'], dir)).toBe(false)
    })

    it.each(PLUGINS)('leaves help to oclif when %s has no manifest', (p) => {
      const dir = fixtureRoot()
      writeFileSync(join(dir, 'node_modules', p, 'oclif.manifest.json'), '')
      expect(serveFromManifest(['--help'], dir)).toBe(false)
    })

    it('leaves help to oclif when a listed plugin is not installed', () => {
      const dir = fixtureRoot()
      editJson(join(dir, 'package.json'), (j: PackageJson) => {
        j.oclif.plugins.push('@oclif/plugin-not-installed')
        j.dependencies['@oclif/plugin-not-installed'] = '^1.0.0'
      })
      expect(serveFromManifest(['--help'], dir)).toBe(false)
    })

    it('leaves help to oclif when a plugin has a hook that runs before help', () => {
      const dir = fixtureRoot()
      editJson(join(dir, 'node_modules', '@oclif/plugin-version', 'package.json'), (j: PackageJson) => {
        j.oclif.hooks = {init: './lib/hooks/init.js'}
      })
      expect(serveFromManifest(['--help'], dir)).toBe(false)
    })

    it('leaves help to oclif when two plugins define one command', () => {
      const dir = fixtureRoot()
      editJson(join(dir, 'node_modules', '@oclif/plugin-version', 'oclif.manifest.json'), (m: Manifest) => {
        m.commands.help = {...m.commands.version, id: 'help'}
      })
      expect(serveFromManifest(['--help'], dir)).toBe(false)
    })
  })
})
