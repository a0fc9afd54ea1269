/**
 * `npm run bench`: what a diagnosis costs, against moto on loopback, beside the manual runbook with the AWS CLI.
 * It prints figures; it asserts nothing (performance is measured here, never in a timed test).
 *
 *   npm run bench               every world (10 … 3,000 instances; 5 and 20 target groups), ~10-15 minutes
 *   npm run bench -- --quick    the 10- and 30-instance worlds, start-up and SSM only, ~2 minutes
 *   npm run bench -- --runs 7   runs per figure (default 5; 3 at 1,000 instances and more)
 *   npm run bench -- --json FILE   also write every figure as JSON
 *   npm run bench -- --world 30,100x5 --skip peer,ssm,startup   only those worlds, without those parts
 *   npm run bench -- --bin DIR/bin/run.js   bench another build (a copy of bin/, dist/, package.json, manifest)
 *   npm run bench -- --vs ASG_DOCTOR_NO_EARLY_LOOKUP=1   each diagnose figure also with that variable set, the two
 *                               runs alternating (so that a load that comes and goes weighs on both alike)
 *
 * How: moto_server on a free loopback port; the integration tests' gap proxy in front of it (it answers the SSM
 * calls moto lacks, test/integration/helpers/gap-proxy.ts); this benchmark's proxy in front of that one
 * (scripts/bench/proxy.ts: counts and stamps every request, adds latency when asked). Each world is seeded once
 * (moto reset in between, so one world's instances never slow another's reads), then measured:
 * - `diagnose NAME --no-ssm --no-history --json`: median wall time of the process, peak RSS (/usr/bin/time), calls by
 *   operation beside the minimum (scripts/bench/minimum.ts says how each is derived);
 * - the same with 50 ms added to every request: the dependent rounds rebuilt from the stamps, against the
 *   minimum, and wall / (minimum rounds × 50 ms);
 * - the peer: the manual runbook, one `aws` command after another, as an operator types it.
 * Then start-up (`--help`, `--version` against `node -e 0` and `aws --version`), and SSM on (10 instances whose
 * script answers ~1 s after SendCommand, 50 ms latency): wall time, and how long after the answer was there the
 * tool had it.
 */
import {execFileSync, spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {cpus, tmpdir, totalmem} from 'node:os'
import {join, resolve} from 'node:path'
import {startGapProxy} from '../../test/integration/helpers/gap-proxy.js'
import {motoEnv, startMoto} from '../../test/integration/helpers/moto.js'
import {countByKey, dependentRounds, startBenchProxy} from './proxy.js'
import type {BenchProxy} from './proxy.js'
import {MINIMUM_ROUNDS, MINIMUM_ROUNDS_WHY, minimumCalls, minimumTotal} from './minimum.js'
import {REGION, seedWorld, worldLabel} from './world.js'
import type {World, WorldSpec} from './world.js'

// Fake keys, no instance metadata, no Node-version warning: the seeding clients of this process talk to moto only.
process.env.AWS_EC2_METADATA_DISABLED = 'true'
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

const ROOT = resolve(import.meta.dirname, '../..')
const argv = process.argv.slice(2)
const binArg = argv.indexOf('--bin')
/** `--bin PATH`: bench another build of the CLI (e.g. a copy of an earlier commit's bin/ and dist/). */
const BIN = binArg >= 0 ? resolve(argv[binArg + 1]) : join(ROOT, 'bin/run.js')
const LATENCY_MS = 50
/** When each run's script answers, after SendCommand: about a second, not always on a poll's beat. */
const SSM_ANSWER_MS = [1000, 1150, 1300]

const quick = argv.includes('--quick')
const runsArg = argv.indexOf('--runs')
const RUNS = runsArg >= 0 ? Number(argv[runsArg + 1]) : 5
const jsonArg = argv.indexOf('--json')
const JSON_OUT = jsonArg >= 0 ? argv[jsonArg + 1] : undefined

const vsArg = argv.indexOf('--vs')
/** `--vs NAME=VALUE`: the variant, the same runs with that variable in the tool's environment. */
const VS: NodeJS.ProcessEnv | undefined = vsArg >= 0 ? Object.fromEntries([argv[vsArg + 1].split(/=(.*)/s).slice(0, 2)]) : undefined

const worldArg = argv.indexOf('--world')
/** `--world 30` or `--world 100x5`: that world only; `--skip peer,ssm,startup`: leave parts out (for quick looks). */
const SKIP = new Set(argv.indexOf('--skip') >= 0 ? argv[argv.indexOf('--skip') + 1].split(',') : [])
const WORLDS: WorldSpec[] = worldArg >= 0
  ? argv[worldArg + 1].split(',').map((w) => ({instances: Number(w.split('x')[0]), targetGroups: Number(w.split('x')[1] ?? 1)}))
  : quick
  ? [
      {instances: 10, targetGroups: 1},
      {instances: 30, targetGroups: 1},
    ]
  : [
      {instances: 10, targetGroups: 1},
      {instances: 30, targetGroups: 1},
      {instances: 100, targetGroups: 1},
      {instances: 100, targetGroups: 5},
      {instances: 100, targetGroups: 20},
      {instances: 1000, targetGroups: 1},
      {instances: 3000, targetGroups: 1},
    ]

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const sec = (ms: number) => (ms / 1000).toFixed(2)
const log = (line = '') => process.stderr.write(`${line}\n`)

/** The real executable behind a pyenv shim (the shim's own bash start-up is not the AWS CLI's cost). */
function realPath(cmd: string): string {
  try {
    return execFileSync('pyenv', ['which', cmd], {encoding: 'utf8'}).trim()
  } catch {
    return cmd
  }
}
const AWS = realPath('aws')

/**
 * The CLI's environment: moto's, with HTTP timeouts long enough for moto's own slowness on a loaded machine
 * (DescribeInstances of a 1,000-instance page can take moto many seconds); the emulator's speed is not what is measured.
 */
const TOOL_ENV = (endpoint: string): NodeJS.ProcessEnv => ({...motoEnv(endpoint), ASG_DOCTOR_SOCKET_TIMEOUT_MS: '120000', ASG_DOCTOR_REQUEST_TIMEOUT_MS: '300000'})

interface ProcRun {
  /** performance.now() at spawn and at exit (the proxy's stamps use the same clock). */
  startedAt: number
  endedAt: number
  ms: number
  rssMb: number
  code: number
  stdout: string
  stderr: string
}

/** Runs a command under /usr/bin/time (peak RSS) and times it from spawn to exit. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<ProcRun> {
  const dir = mkdtempSync(join(tmpdir(), 'asgd-bench-'))
  const rssFile = join(dir, 'rss')
  const started = performance.now()
  return new Promise((done, fail) => {
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', rssFile, cmd, ...args], {cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', fail)
    child.on('close', (code) => {
      const ms = performance.now() - started
      let rssKb = NaN
      try {
        rssKb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop())
      } catch {
        // time wrote nothing
      }
      rmSync(dir, {recursive: true, force: true})
      done({startedAt: started, endedAt: started + ms, ms, rssMb: rssKb / 1024, code: code ?? -1, stdout, stderr})
    })
  })
}

interface ToolRuns {
  wallMs: number
  rssMb: number
  calls: Record<string, number>
  total: number
  rounds: number
  walls: number[]
  /** From spawn to the first request reaching the proxy. */
  firstRequestMs: number
  /** Time between the first request and the last answer when no request was in flight. */
  idleMs: number
  /** From the last answer to the process's exit. */
  tailMs: number
}

/** The first request's delay, the idle time with no request in flight, and the time after the last answer. */
function timeline(stamps: readonly {start: number; end: number}[], r: ProcRun): {first: number; idle: number; tail: number} {
  const sorted = [...stamps].sort((a, b) => a.start - b.start)
  let idle = 0
  let busyUntil = sorted[0]?.start ?? r.startedAt
  for (const s of sorted) {
    if (s.start > busyUntil) idle += s.start - busyUntil
    busyUntil = Math.max(busyUntil, s.end)
  }
  return {first: (sorted[0]?.start ?? r.endedAt) - r.startedAt, idle, tail: r.endedAt - busyUntil}
}

/**
 * The evidence over time (metrics, change history, logs) is on by default in diagnose; the runbook and the minimum
 * count the configuration reads only, so the measured runs leave it out. A build from before it existed has no flag.
 */
const NO_HISTORY: string[] = execFileSync(process.execPath, [BIN, 'diagnose', '--help'], {encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}}).includes('--[no-]history') ? ['--no-history'] : []

/** The figures of several ToolRuns as if they were one (medians over all their runs). */
function pooled(all: ToolRuns[]): ToolRuns {
  const walls = all.flatMap((r) => r.walls)
  const m = (f: (r: ToolRuns) => number) => median(all.map(f))
  return {wallMs: median(walls), rssMb: Math.max(...all.map((r) => r.rssMb)), calls: all[all.length - 1].calls, total: all[all.length - 1].total, rounds: m((r) => r.rounds), walls, firstRequestMs: m((r) => r.firstRequestMs), idleMs: m((r) => r.idleMs), tailMs: m((r) => r.tailMs)}
}

/** `runs` runs without the --vs variable and `runs` with it, alternating. */
async function versusRuns(proxy: BenchProxy, world: World, runs: number, vs: NodeJS.ProcessEnv): Promise<[ToolRuns, ToolRuns]> {
  const base: ToolRuns[] = []
  const variant: ToolRuns[] = []
  for (let i = 0; i < runs; i++) {
    base.push(await diagnoseRuns(proxy, world, 1))
    variant.push(await diagnoseRuns(proxy, world, 1, undefined, vs))
  }
  return [pooled(base), pooled(variant)]
}

async function diagnoseRuns(proxy: BenchProxy, world: World, runs: number, extra: string[] = ['--no-ssm', ...NO_HISTORY], env: NodeJS.ProcessEnv = {}): Promise<ToolRuns> {
  const walls: number[] = []
  const rss: number[] = []
  const rounds: number[] = []
  const lines: {first: number; idle: number; tail: number}[] = []
  let calls: Record<string, number> = {}
  for (let i = 0; i < runs; i++) {
    proxy.reset()
    const r = await run(process.execPath, [BIN, 'diagnose', world.albName, ...extra, '--json', '--endpoint-url', proxy.endpoint, '--region', REGION], {...TOOL_ENV(proxy.endpoint), ...env})
    if ((r.code !== 0 && r.code !== 1 && r.code !== 4) || !r.stdout.trimStart().startsWith('{')) throw new Error(`diagnose failed (exit ${r.code}):\n${r.stdout.slice(0, 2000)}\n${r.stderr.slice(0, 2000)}`)
    if (r.code === 4) {
      // Some check could not run: say which, and go on (the figures are still the run's).
      const report = JSON.parse(r.stdout) as {checks?: {ruleId?: string; status?: string; detail?: string; message?: string}[]}
      const skipped = (report.checks ?? []).filter((c) => c.status === 'could-not-check').map((c) => `${c.ruleId}: ${c.detail ?? c.message ?? ''}`)
      log(`  (exit 4, checks that could not run: ${skipped.slice(0, 3).join('; ').slice(0, 400)})`)
    }
    walls.push(r.ms)
    rss.push(r.rssMb)
    rounds.push(dependentRounds(proxy.stamps))
    lines.push(timeline(proxy.stamps, r))
    calls = countByKey(proxy.stamps)
  }
  return {wallMs: median(walls), rssMb: Math.max(...rss), calls, total: Object.values(calls).reduce((a, b) => a + b, 0), rounds: median(rounds), walls, firstRequestMs: median(lines.map((l) => l.first)), idleMs: median(lines.map((l) => l.idle)), tailMs: median(lines.map((l) => l.tail))}
}

/** The manual runbook as an operator types it: one AWS CLI command after another. */
function runbook(world: World, endpoint: string): string[][] {
  const ep = ['--endpoint-url', endpoint, '--region', REGION, '--output', 'json']
  const vpc = ['--filters', `Name=vpc-id,Values=${world.vpcId}`]
  return [
    ['elbv2', 'describe-load-balancers', '--names', world.albName],
    ['elbv2', 'describe-listeners', '--load-balancer-arn', world.albArn],
    ['elbv2', 'describe-target-groups', '--load-balancer-arn', world.albArn],
    ...world.targetGroupArns.map((arn) => ['elbv2', 'describe-target-health', '--target-group-arn', arn]),
    ['autoscaling', 'describe-auto-scaling-groups'],
    ['ec2', 'describe-instances', ...vpc],
    ['ec2', 'describe-security-groups', ...vpc],
    ['ec2', 'describe-subnets', ...vpc],
    ['ec2', 'describe-route-tables', ...vpc],
    ['ec2', 'describe-network-acls', ...vpc],
    ['ec2', 'describe-vpc-endpoints', ...vpc],
    ['ec2', 'describe-iam-instance-profile-associations'],
    ['iam', 'get-instance-profile', '--instance-profile-name', world.profileName],
    ['iam', 'list-attached-role-policies', '--role-name', world.roleName],
    ['ssm', 'describe-instance-information'],
  ].map((c) => [...c, ...ep])
}

async function peerRuns(proxy: BenchProxy, world: World, runs: number): Promise<{wallMs: number; commands: number; calls: number}> {
  const walls: number[] = []
  let calls = 0
  const commands = runbook(world, proxy.endpoint)
  for (let i = 0; i < runs; i++) {
    proxy.reset()
    const started = performance.now()
    for (const c of commands) {
      const r = await run(AWS, c, motoEnv(proxy.endpoint))
      if (r.code !== 0) throw new Error(`aws ${c.slice(0, 2).join(' ')} failed (exit ${r.code}): ${r.stderr.slice(0, 1000)}`)
    }
    walls.push(performance.now() - started)
    calls = proxy.stamps.length
  }
  return {wallMs: median(walls), commands: commands.length, calls}
}

async function startup(runs: number) {
  const env = motoEnv('http://127.0.0.1:9')
  const time = async (cmd: string, args: string[]) => {
    const ms: number[] = []
    await run(cmd, args, env) // warm the file cache
    for (let i = 0; i < runs; i++) ms.push((await run(cmd, args, env)).ms)
    return median(ms)
  }
  return {
    node: await time(process.execPath, ['-e', '0']),
    help: await time(process.execPath, [BIN, '--help']),
    version: await time(process.execPath, [BIN, '--version']),
    diagnoseHelp: await time(process.execPath, [BIN, 'diagnose', '--help']),
    aws: await time(AWS, ['--version']),
  }
}

interface WorldResult {
  world: WorldSpec
  seedSeconds: number
  plain: ToolRuns
  latency: ToolRuns
  peer: {wallMs: number; commands: number; calls: number}
  minimum: number
}

function printWorld(w: WorldResult): void {
  log(`\n## ${worldLabel(w.world)}  (seeded in ${w.seedSeconds.toFixed(1)} s)`)
  log(`diagnose --no-ssm: ${sec(w.plain.wallMs)} s median [${w.plain.walls.map((x) => sec(x)).join(', ')}], peak RSS ${w.plain.rssMb.toFixed(0)} MB, ${w.plain.total} calls (minimum ${w.minimum})`)
  const tl = (x: ToolRuns) => `first request ${Math.round(x.firstRequestMs)} ms after spawn, ${Math.round(x.idleMs)} ms with nothing in flight, exit ${Math.round(x.tailMs)} ms after the last answer`
  log(`  ${tl(w.plain)}`)
  log(`with ${LATENCY_MS} ms per request: ${sec(w.latency.wallMs)} s, ${w.latency.rounds} dependent rounds (minimum ${MINIMUM_ROUNDS}), wall / (minimum rounds × ${LATENCY_MS} ms) = ${(w.latency.wallMs / (MINIMUM_ROUNDS * LATENCY_MS)).toFixed(2)}`)
  log(`  ${tl(w.latency)}`)
  log(`AWS CLI runbook (${w.peer.commands} commands, ${w.peer.calls} requests): ${sec(w.peer.wallMs)} s, ratio ${(w.peer.wallMs / w.plain.wallMs).toFixed(1)}×`)
  log('calls by operation (this run / minimum: how the minimum is derived):')
  const min = minimumCalls(w.world)
  const keys = [...new Set([...Object.keys(w.plain.calls), ...min.map((m) => m.api)])].sort()
  for (const k of keys) {
    const m = min.find((x) => x.api === k)
    const got = w.plain.calls[k] ?? 0
    log(`  ${got === (m?.calls ?? 0) ? ' ' : got > (m?.calls ?? 0) ? '+' : '-'} ${k.padEnd(52)} ${String(got).padStart(3)} / ${String(m?.calls ?? 0).padStart(3)}  ${m?.why ?? '(not needed)'}`)
  }
}

async function main(): Promise<void> {
  const startedAll = performance.now()
  const motoVersion = (() => {
    try {
      return execFileSync(realPath('python3'), ['-c', 'import moto; print(moto.__version__)'], {encoding: 'utf8'}).trim()
    } catch {
      return 'unknown'
    }
  })()
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.versions.node}, moto ${motoVersion}, ${execFileSync(AWS, ['--version'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim() || 'aws CLI'}`
  log(`# asg-doctor bench${quick ? ' --quick' : ''} (${BIN}): ${machine}`)
  log(`minimum rounds ${MINIMUM_ROUNDS}: ${MINIMUM_ROUNDS_WHY}`)

  // Start-up first, while the machine runs nothing of this benchmark's own (moto idles between worlds).
  const s = SKIP.has('startup') ? {node: NaN, help: NaN, version: NaN, diagnoseHelp: NaN, aws: NaN} : await startup(Math.max(RUNS, 10))
  log('\n## Start-up (median)')
  log(`node -e 0 ${Math.round(s.node)} ms; asg-doctor --help ${Math.round(s.help)} ms (${(s.help / s.node).toFixed(2)}×); --version ${Math.round(s.version)} ms (${(s.version / s.node).toFixed(2)}×); diagnose --help ${Math.round(s.diagnoseHelp)} ms (${(s.diagnoseHelp / s.node).toFixed(2)}×); aws --version ${Math.round(s.aws)} ms`)

  const moto = await startMoto()
  const gap = await startGapProxy(moto.endpoint)
  const proxy = await startBenchProxy(gap.endpoint)
  const results: WorldResult[] = []
  let ssm: {wallMs: number; noticedMs: number[]; calls: Record<string, number>} | undefined
  try {
    for (const spec of WORLDS) {
      await moto.reset()
      gap.reset()
      log(`\nseeding ${worldLabel(spec)}…`)
      const world = await seedWorld(moto.endpoint, spec)
      const sample = readFileSync(join(ROOT, 'test/fixtures/on-instance/al2023-healthy.txt'), 'utf8')
      gap.setScenario({online: world.privateIps, diagnosticOutput: (id) => sample.replaceAll('10.0.10.11', world.privateIps[id] ?? '10.0.0.1')})
      const runs = spec.instances >= 1000 ? Math.min(RUNS, 3) : RUNS
      proxy.latencyMs = 0
      await diagnoseRuns(proxy, world, 1) // warm-up: moto's first answers and the file cache
      let plain: ToolRuns
      let latency: ToolRuns
      if (VS) {
        const [plainBase, plainVs] = await versusRuns(proxy, world, runs, VS)
        proxy.latencyMs = LATENCY_MS
        const [latencyBase, latencyVs] = await versusRuns(proxy, world, runs, VS)
        proxy.latencyMs = 0
        plain = plainBase
        latency = latencyBase
        const vsName = Object.entries(VS).map(([k, v]) => `${k}=${v}`).join(' ')
        log(`\n${worldLabel(spec)}, alternating runs: without ${vsName} / with it`)
        log(`  diagnose --no-ssm: ${sec(plainBase.wallMs)} s / ${sec(plainVs.wallMs)} s; first request ${Math.round(plainBase.firstRequestMs)} / ${Math.round(plainVs.firstRequestMs)} ms; calls ${plainBase.total} / ${plainVs.total}`)
        log(`  with ${LATENCY_MS} ms per request: ${sec(latencyBase.wallMs)} s / ${sec(latencyVs.wallMs)} s (wall / minimum rounds × ${LATENCY_MS} ms: ${(latencyBase.wallMs / (MINIMUM_ROUNDS * LATENCY_MS)).toFixed(2)} / ${(latencyVs.wallMs / (MINIMUM_ROUNDS * LATENCY_MS)).toFixed(2)}); rounds ${latencyBase.rounds} / ${latencyVs.rounds}`)
      } else {
        plain = await diagnoseRuns(proxy, world, runs)
        proxy.latencyMs = LATENCY_MS
        latency = await diagnoseRuns(proxy, world, runs)
        proxy.latencyMs = 0
      }
      const peer = SKIP.has('peer') ? {wallMs: NaN, commands: 0, calls: 0} : await peerRuns(proxy, world, spec.instances >= 1000 ? 1 : Math.min(RUNS, 3))
      const result = {world: spec, seedSeconds: world.seedSeconds, plain, latency, peer, minimum: minimumTotal(spec)}
      results.push(result)
      printWorld(result)
      if (spec.instances === 30 && spec.targetGroups === 1 && NO_HISTORY.length) {
        // What the evidence over time adds (moto has no CloudTrail LookupEvents: one failed call stands for it).
        const withHistory = await diagnoseRuns(proxy, world, Math.min(RUNS, 3), ['--no-ssm'])
        const extra = Object.entries(withHistory.calls).filter(([api]) => !(api in plain.calls)).map(([api, n]) => `${api} ${n}`)
        log(`with history (the default): ${sec(withHistory.wallMs)} s median, ${withHistory.total} calls (+${withHistory.total - plain.total}: ${extra.join(', ')})`)
      }

      if (spec.instances === 10 && spec.targetGroups === 1 && !SKIP.has('ssm')) {
        // SSM on: every instance answers ~1 s after SendCommand; how soon does the tool have the answer?
        proxy.latencyMs = LATENCY_MS
        const walls: number[] = []
        const noticed: number[] = []
        let calls: Record<string, number> = {}
        for (const answerMs of SSM_ANSWER_MS) {
          proxy.answerAfterMs = answerMs
          proxy.reset()
          const r = await diagnoseRuns(proxy, world, 1, ['--ssm', '--ssm-targets', 'all', ...NO_HISTORY])
          walls.push(r.wallMs)
          calls = r.calls
          for (const [id, ready] of proxy.answers) {
            const at = proxy.noticed.get(id)
            if (at !== undefined && at > 0) noticed.push(at - ready)
          }
        }
        proxy.latencyMs = 0
        proxy.answerAfterMs = 0
        ssm = {wallMs: median(walls), noticedMs: noticed, calls}
        log(`\n## SSM on, 10 instances, answers ${SSM_ANSWER_MS.join(' / ')} ms after SendCommand, ${LATENCY_MS} ms per request`)
        log(`wall ${sec(ssm.wallMs)} s; answer noticed ${noticed.map((n) => `${Math.round(n)} ms`).join(', ')} after it was there (median ${Math.round(median(noticed))} ms); wall ${walls.map((w) => sec(w)).join(', ')} s`)
        log(`SSM calls: ${Object.entries(calls).filter(([k]) => k.startsWith('ssm:')).map(([k, v]) => `${k} ${v}`).join(', ')}`)
      }
    }
  } finally {
    await proxy.stop()
    await gap.stop()
    await moto.stop()
  }


  // The summary, as the README publishes it.
  const out: string[] = []
  out.push(`Machine: ${machine}. ${RUNS} runs per figure (3 at 1,000+ instances), medians.`)
  out.push('')
  out.push(`| world | \`diagnose --no-ssm\` | peak RSS | calls (minimum) | rounds at +${LATENCY_MS} ms (min ${MINIMUM_ROUNDS}) | wall at +${LATENCY_MS} ms / (min rounds × ${LATENCY_MS} ms) | AWS CLI runbook | ratio |`)
  out.push('|---|---|---|---|---|---|---|---|')
  for (const r of results) {
    out.push(
      `| ${worldLabel(r.world)} | ${sec(r.plain.wallMs)} s | ${r.plain.rssMb.toFixed(0)} MB | ${r.plain.total} (${r.minimum}) | ${r.latency.rounds} | ${sec(r.latency.wallMs)} s / ${sec(MINIMUM_ROUNDS * LATENCY_MS)} s = ${(r.latency.wallMs / (MINIMUM_ROUNDS * LATENCY_MS)).toFixed(2)} | ${sec(r.peer.wallMs)} s | ${(r.peer.wallMs / r.plain.wallMs).toFixed(1)}× |`,
    )
  }
  out.push('')
  out.push(`Start-up: \`node -e 0\` ${Math.round(s.node)} ms, \`asg-doctor --help\` ${Math.round(s.help)} ms (${(s.help / s.node).toFixed(2)}×), \`--version\` ${Math.round(s.version)} ms (${(s.version / s.node).toFixed(2)}×), \`diagnose --help\` ${Math.round(s.diagnoseHelp)} ms, \`aws --version\` ${Math.round(s.aws)} ms.`)
  if (ssm) {
    out.push(
      `SSM on (10 instances answering ${SSM_ANSWER_MS.join(' / ')} ms after SendCommand, +${LATENCY_MS} ms per request): ${sec(ssm.wallMs)} s; the tool had each answer ${Math.round(median(ssm.noticedMs))} ms (median; max ${Math.round(Math.max(...ssm.noticedMs))} ms) after it was there.`,
    )
  }
  log(`\n## Summary (bench took ${Math.round((performance.now() - startedAll) / 1000)} s)\n`)
  process.stdout.write(`${out.join('\n')}\n`)
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({machine, runs: RUNS, results, startup: s, ssm}, null, 2))
}

await main()
if (!SKIP.has('scan')) await (await import('./scan.js')).benchScan({albs: quick ? 10 : 20, runs: Math.min(RUNS, 3)})
