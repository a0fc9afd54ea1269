import {Writable} from 'node:stream'
import {describe, expect, it, onTestFinished} from 'vitest'
import {Progress, formatElapsed} from '../../src/lib/progress.js'

function sink(): {stream: NodeJS.WriteStream; text: () => string} {
  let out = ''
  const stream = new Writable({
    write(chunk, _enc, done) {
      out += chunk.toString()
      done()
    },
  }) as unknown as NodeJS.WriteStream
  return {stream, text: () => out}
}

describe('Progress', () => {
  it('piped: one plain line per step, nothing that moves', () => {
    const s = sink()
    const p = new Progress({enabled: true, interactive: false, dim: (t) => t, stream: s.stream})
    p.line('Looking up web-alb in us-east-1…')
    p.status('2/3 instance(s) answered')
    p.line('Collecting…')
    p.finish()
    expect(s.text()).toBe('Looking up web-alb in us-east-1…\nCollecting…\n')
  })

  it('silent under --quiet and --json', () => {
    const s = sink()
    const p = new Progress({enabled: false, interactive: true, dim: (t) => t, stream: s.stream})
    p.line('Looking up…')
    p.finish()
    expect(s.text()).toBe('')
  })

  it('on a terminal: a finished step stays as a line with how long it took, when that was a second or more', () => {
    // yocto-spinner treats any process with CI in its environment as non-interactive (as CI runs of this suite are).
    const ci = process.env.CI
    delete process.env.CI
    onTestFinished(() => {
      if (ci !== undefined) process.env.CI = ci
    })
    const s = sink()
    let now = 0
    const p = new Progress({enabled: true, interactive: true, dim: (t) => t, stream: Object.assign(s.stream, {isTTY: true, columns: 80, cursorTo: () => true, clearLine: () => true, moveCursor: () => true}), now: () => now})
    p.line('Synthesising stack web…')
    now = 14_200
    p.line('Deploying web…')
    now = 14_500
    p.finish()
    // The spinner's frames are cleared by cursor moves; the finished steps are written as whole lines.
    expect(s.text()).toContain('\u001b[?25hSynthesising stack web… (14 s)\n')
    expect(s.text()).toContain('\u001b[?25hDeploying web…\n')
  })
})

describe('formatElapsed', () => {
  it('reads like a person would say it', () => {
    expect(formatElapsed(1200)).toBe('1.2 s')
    expect(formatElapsed(42_000)).toBe('42 s')
    expect(formatElapsed(185_000)).toBe('3 min 05 s')
  })
})
