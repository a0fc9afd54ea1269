import {describe, expect, it, vi} from 'vitest'
import {confirmMode, confirmOrRefuse, isYes} from '../../src/deploy/confirm.js'
import {UserError} from '../../src/lib/errors.js'

describe('confirmMode', () => {
  it.each([
    [{yes: true, interactive: false}, 'proceed'],
    [{yes: true, interactive: true}, 'proceed'],
    [{yes: false, interactive: true}, 'ask'],
    [{yes: false, interactive: false}, 'refuse'],
  ] as const)('%j -> %s', (opts, mode) => {
    expect(confirmMode(opts)).toBe(mode)
  })
})

describe('confirmOrRefuse', () => {
  const opts = {question: 'Deploy web?', action: 'the deployment of stack web'}

  it('refuses without a terminal and without --yes, in one sentence with a hint, never asking', async () => {
    const ask = vi.fn()
    const run = confirmOrRefuse({interactive: false, ask}, {...opts, yes: false})
    await expect(run).rejects.toBeInstanceOf(UserError)
    await expect(run).rejects.toMatchObject({
      message: 'There is no terminal to confirm the deployment of stack web on, so nothing was changed.',
      hint: 'Review the plan above and run the command again with --yes to confirm it in advance.',
    })
    expect(ask).not.toHaveBeenCalled()
  })

  it('goes ahead with --yes without asking', async () => {
    const ask = vi.fn()
    await expect(confirmOrRefuse({interactive: true, ask}, {...opts, yes: true})).resolves.toBe(true)
    expect(ask).not.toHaveBeenCalled()
  })

  it('asks on a terminal and takes the answer', async () => {
    await expect(confirmOrRefuse({interactive: true, ask: async (q) => q === 'Deploy web?'}, {...opts, yes: false})).resolves.toBe(true)
    await expect(confirmOrRefuse({interactive: true, ask: async () => false}, {...opts, yes: false})).resolves.toBe(false)
  })
})

describe('isYes', () => {
  it('counts only an explicit yes', () => {
    for (const a of ['y', 'Y', 'yes', ' YES ']) expect(isYes(a), a).toBe(true)
    for (const a of ['', 'n', 'no', 'yep', 'sure', 'y es']) expect(isYes(a), a).toBe(false)
  })
})
