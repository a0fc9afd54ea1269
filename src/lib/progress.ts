/**
 * Progress on stderr. On a terminal, the step under way spins with its elapsed time (yocto-spinner, which also
 * clears itself around anything else written to stdout or stderr meanwhile); a finished step stays as a plain line
 * with how long it took when that was a second or more. Piped or redirected, each step is one plain line and
 * nothing moves. --quiet and --json silence it all.
 */
import yoctoSpinner from 'yocto-spinner'
import type {Spinner} from 'yocto-spinner'

export interface ProgressOptions {
  /** Print anything at all (false under --quiet and --json). */
  enabled: boolean
  /** Animate (stderr is a terminal). */
  interactive: boolean
  /** Dims a line (the command's colour settings). */
  dim: (text: string) => string
  stream?: NodeJS.WriteStream
  now?: () => number
}

export class Progress {
  private spinner?: Spinner
  private timer?: NodeJS.Timeout
  private step?: {text: string; started: number}
  private detail = ''
  private readonly stream: NodeJS.WriteStream
  private readonly now: () => number

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr
    this.now = options.now ?? (() => Date.now())
  }

  /** A new step: the previous one is finished; this one spins on a terminal, or is printed once. */
  line(text: string): void {
    if (!this.options.enabled) return
    this.finish()
    if (!this.options.interactive) {
      this.stream.write(this.options.dim(text) + '\n')
      return
    }
    this.step = {text, started: this.now()}
    this.detail = ''
    this.spinner = yoctoSpinner({text: this.options.dim(text), stream: this.stream}).start()
    // The elapsed time moves even when the step reports nothing; unref'd so it never keeps the process alive.
    this.timer = setInterval(() => this.render(), 1000)
    this.timer.unref()
  }

  /** Detail of the step under way ("2/3 instance(s) answered"), shown after it on a terminal; '' clears it. */
  status(text: string): void {
    if (!this.options.enabled || !this.options.interactive) return
    this.detail = text.trim()
    this.render()
  }

  /** Ends the step under way, leaving it as a plain line (with its duration when it took a second or more). */
  finish(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    if (!this.spinner || !this.step) return
    const took = this.elapsed()
    this.spinner.stop()
    this.stream.write(this.options.dim(`${this.step.text}${took ? ` (${took})` : ''}`) + '\n')
    this.spinner = undefined
    this.step = undefined
  }

  private elapsed(): string {
    if (!this.step) return ''
    const ms = this.now() - this.step.started
    return ms >= 1000 ? formatElapsed(ms) : ''
  }

  private render(): void {
    if (!this.spinner || !this.step) return
    const took = this.elapsed()
    const extra = [this.detail, took].filter(Boolean).join(', ')
    this.spinner.text = this.options.dim(`${this.step.text}${extra ? ` (${extra})` : ''}`)
  }
}

/** 1.2 s, 42 s, 3 min 05 s. */
export function formatElapsed(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s} s`
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`
}
