/**
 * Parses the output of the diagnostic script (src/ssm/diagnostic-script.ts): `key=value` lines under the
 * `ASGD1` header. Pure. Unknown keys and malformed values end up in `warnings`, never in a typed field, and
 * a scalar key seen twice keeps its first value (the script writes each once, so a second one is suspect).
 */
import {DIAGNOSTIC_SCRIPT_VERSION} from '../snapshot/on-instance-types.js'
import type {DiagnosticResult, ListeningSocket} from '../snapshot/on-instance-types.js'

/** nginx's own default when no keepalive_timeout is set. */
export const NGINX_DEFAULT_KEEPALIVE_SECONDS = 75

/** What curl's exit codes mean, for the probe's error. */
const CURL_EXIT: Record<number, string> = {
  6: 'could not resolve host',
  7: 'connection refused (nothing listens on the port, or a firewall rejects it)',
  28: 'timed out',
  35: 'TLS handshake failed',
  52: 'empty reply from server',
  56: 'connection reset by peer',
  60: 'TLS certificate problem',
}

const SCALARS = new Set([
  'ip', 'os.id', 'os.version', 'os.name', 'pkg', 'systemd', 'nginx.bin', 'nginx.active', 'nginx.enabled', 'nginx.status',
  'nginx.procs', 'nginx.version', 'nginx.test', 'nginx.test.msg', 'nginx.keepalive', 'listen.tool', 'ports', 'probe.tool',
  'probe.url', 'probe.code', 'probe.exit', 'disk.use', 'end',
])

/** A duration in nginx's syntax (`65`, `65s`, `1m`, `500ms`, `1m30s`) in seconds; undefined if it is not one. */
export function nginxSeconds(value: string): number | undefined {
  const unit: Record<string, number> = {ms: 0.001, s: 1, m: 60, h: 3600, d: 86400}
  if (/^\d+$/.test(value)) return Number(value)
  const parts = [...value.matchAll(/(\d+)(ms|s|m|h|d)/g)]
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) return undefined
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2]], 0)
}

/** Returns undefined when the output has no header: it did not come from the script (or was cut before it). */
export function parseDiagnosticOutput(stdout: string): DiagnosticResult | undefined {
  const lines = stdout.split(/\r?\n/)
  const start = lines.findIndex((l) => l.trim() === DIAGNOSTIC_SCRIPT_VERSION)
  if (start < 0) return undefined
  const warnings = lines.slice(0, start).filter((l) => l.trim() !== '').map((l) => `before header: ${l.slice(0, 120)}`)
  const kv = new Map<string, string>()
  const listen: string[] = []
  const log: string[] = []
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '' || line === '---Output truncated---') continue
    const eq = line.indexOf('=')
    const key = eq > 0 ? line.slice(0, eq) : ''
    const value = eq > 0 ? line.slice(eq + 1) : ''
    if (key === 'listen') listen.push(value)
    else if (key === 'log') log.push(value)
    else if (SCALARS.has(key) && !kv.has(key)) kv.set(key, value)
    else warnings.push(`unexpected line: ${line.slice(0, 120)}`)
  }
  const get = (k: string) => (kv.get(k) ?? '') || undefined
  const int = (k: string) => {
    const v = get(k)
    if (v === undefined) return undefined
    if (/^\d+$/.test(v)) return Number(v)
    warnings.push(`${k} is not a number: ${v}`)
    return undefined
  }

  const binary = get('nginx.bin')
  const installed = binary !== undefined
  const testResult = get('nginx.test')
  const keepaliveRaw = (get('nginx.keepalive') ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  const keepalive = keepaliveSeconds(kv.has('nginx.keepalive'), keepaliveRaw, warnings)

  return {
    version: DIAGNOSTIC_SCRIPT_VERSION,
    complete: get('end') === '1',
    ...(get('ip') ? {privateIp: get('ip')} : {}),
    os: compact({id: get('os.id'), versionId: get('os.version'), prettyName: get('os.name')}),
    ...(get('pkg') ? {packageManager: get('pkg')} : {}),
    systemd: get('systemd') === '1',
    nginx: compact({
      installed,
      binary,
      version: get('nginx.version'),
      active: get('nginx.active'),
      enabled: get('nginx.enabled'),
      statusLine: get('nginx.status'),
      processes: int('nginx.procs'),
      configTest: installed && testResult ? {ok: testResult === 'ok', message: get('nginx.test.msg') ?? ''} : undefined,
      keepaliveTimeoutSeconds: installed ? keepalive : undefined,
      keepaliveRaw: installed && keepaliveRaw.length > 0 ? keepaliveRaw : undefined,
    }),
    ...(get('listen.tool') && get('listen.tool') !== 'none' ? {listenTool: get('listen.tool')} : {}),
    listeners: listen.map((l) => parseSocket(l, warnings)).filter((s): s is ListeningSocket => s !== undefined),
    allPorts: (get('ports') ?? '').split(',').filter((p) => /^\d+$/.test(p)).map(Number),
    ...(get('probe.tool') ? {healthProbe: parseProbe(get, int)} : {}),
    errorLog: log,
    ...(int('disk.use') !== undefined ? {diskUsePercent: int('disk.use')} : {}),
    warnings,
  }
}

/** The shortest keep-alive in the config (the worst case), nginx's default when none is set. */
function keepaliveSeconds(present: boolean, raw: string[], warnings: string[]): number | undefined {
  if (!present) return undefined // nginx -T did not run (nginx missing or its config broken)
  if (raw.length === 0) return NGINX_DEFAULT_KEEPALIVE_SECONDS
  const values: number[] = []
  for (const r of raw) {
    const s = nginxSeconds(r.split(/\s+/)[0])
    if (s === undefined) warnings.push(`keepalive_timeout not understood: ${r}`)
    else values.push(s)
  }
  return values.length > 0 ? Math.min(...values) : undefined
}

/** `0.0.0.0 80 nginx` → {address, port, process}. */
function parseSocket(line: string, warnings: string[]): ListeningSocket | undefined {
  const [address, port, process] = line.split(' ')
  if (!address || !/^\d+$/.test(port ?? '')) {
    warnings.push(`listen line not understood: ${line}`)
    return undefined
  }
  return {address, port: Number(port), ...(process ? {process} : {})}
}

function parseProbe(get: (k: string) => string | undefined, int: (k: string) => number | undefined): NonNullable<DiagnosticResult['healthProbe']> {
  const tool = get('probe.tool') as 'curl' | 'wget' | 'bash' | 'none'
  const code = int('probe.code')
  const exit = int('probe.exit')
  const url = get('probe.url')
  const base = {tool, ...(url ? {url} : {})}
  if (tool === 'none') return {...base, error: 'no curl, wget or bash on the instance to send the request'}
  if (code !== undefined && code > 0) return {...base, statusCode: code}
  const why = exit !== undefined && exit !== 0 ? (CURL_EXIT[exit] ?? `curl exited with ${exit}`) : 'no HTTP response (connection refused, reset or timed out)'
  return {...base, error: why}
}

/** Drops undefined fields, so the snapshot's JSON stays small and stable. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}
