/**
 * The test command's set-up of moto_server and cfn-lint (scripts/test-tools.mjs): tools on PATH are used as they
 * are; missing ones come from a pinned, project-local virtual environment, created once. No pip runs here: the
 * commands are recorded, and the file system is a set of paths.
 */
import {delimiter, join} from 'node:path'
import {describe, expect, it} from 'vitest'
// @ts-expect-error: a plain ESM script without type declarations
import {PINS, ensureTools, planTools, venvCommands} from '../../scripts/test-tools.mjs'

const root = '/project'
const venvBin = join(root, '.venv-test', 'bin')
const fs = (...files: string[]) => (f: string) => files.includes(f)

describe('planTools', () => {
  it('uses the tools on PATH and sets nothing up', () => {
    const plan = planTools({root, path: ['/usr/bin', '/opt/py/bin'].join(delimiter), exists: fs('/opt/py/bin/moto_server', '/usr/bin/cfn-lint')})
    expect(plan).toMatchObject({action: 'none', missing: []})
  })

  it('creates the virtual environment when a tool is missing and it does not exist yet', () => {
    const plan = planTools({root, path: '/usr/bin', exists: fs('/usr/bin/cfn-lint')})
    expect(plan).toEqual({action: 'create-venv', missing: ['moto_server'], bin: venvBin})
  })

  it('reuses the virtual environment of an earlier run', () => {
    const plan = planTools({root, path: '/usr/bin', exists: fs(join(venvBin, 'moto_server'), join(venvBin, 'cfn-lint'))})
    expect(plan.action).toBe('use-venv')
  })
})

describe('ensureTools', () => {
  it('installs the pinned versions once, then appends the venv to PATH so tools on PATH still win', () => {
    const ran: string[][] = []
    const logs: string[] = []
    const path = ensureTools({root, env: {PATH: '/usr/bin'}, exists: fs(), log: (l: string) => logs.push(l), run: (cmd: string, args: string[]) => (ran.push([cmd, ...args]), 0)})
    expect(ran).toEqual(venvCommands({root}).map(([cmd, args]: [string, string[]]) => [cmd, ...args]))
    expect(ran[0]).toEqual(['python3', '-m', 'venv', join(root, '.venv-test')])
    expect(ran[1]).toEqual(expect.arrayContaining([join(venvBin, 'pip'), 'install', 'moto[server]==5.2.1', 'cfn-lint==1.51.0']))
    expect(PINS.every((p: string) => /==\d/.test(p))).toBe(true)
    expect(path).toBe(['/usr/bin', venvBin].join(delimiter))
    expect(logs[0]).toContain('moto_server and cfn-lint are not on PATH')
  })

  it('runs nothing when the tools are there', () => {
    const ran: string[][] = []
    const path = ensureTools({root, env: {PATH: '/usr/bin'}, exists: fs('/usr/bin/moto_server', '/usr/bin/cfn-lint'), run: (cmd: string) => (ran.push([cmd]), 0)})
    expect(ran).toEqual([])
    expect(path).toBe('/usr/bin')
  })

  it('says what failed when the virtual environment cannot be made', () => {
    expect(() => ensureTools({root, env: {PATH: '/usr/bin'}, exists: fs(), log: () => {}, run: () => 1})).toThrow(/Could not set up \.venv-test\/: `python3 -m venv .*` exited with 1/)
  })
})
