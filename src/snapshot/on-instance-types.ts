/**
 * Snapshot section for the results of the read-only diagnostic script run on each instance through SSM
 * SendCommand (src/ssm/diagnostic-script.ts, parsed by src/ssm/parse.ts). Owned by the on-instance work (issue 3).
 *
 * One script is sent per distinct probe configuration (target port, health-check port, path, protocol) of the
 * target groups, usually one; an instance in two differently configured target groups gets one run per probe.
 */
import type {InvocationStatus} from '../ssm/types.js'

/** Version of the script's output format: its first line. Bump it on any change a parser must know about. */
export const DIAGNOSTIC_SCRIPT_VERSION = 'ASGD1'

/** What the script was told to probe, and for which target groups. */
export interface OnInstanceProbe {
  /** Stable within a snapshot: `HTTP:80:80:/health:200`. */
  id: string
  targetPort: number
  healthCheckPort: number
  healthCheckPath: string
  healthCheckProtocol: string
  /** The target groups' success codes (Matcher.HttpCode), e.g. `200` or `200-399`. */
  matcher: string
  /** The target groups whose settings these are. */
  targetGroupArns: string[]
}

/** A listening TCP socket on the probed ports, from `ss -ltnp` (or netstat). */
export interface ListeningSocket {
  /** Local address as printed, e.g. `0.0.0.0`, `[::]`, `127.0.0.1`, `*`. */
  address: string
  port: number
  /** Process name, when the tool could see it (root can). */
  process?: string
}

/** What the script found on one instance. Absent fields mean the probe could not run there. */
export interface DiagnosticResult {
  /** The header line, e.g. `ASGD1`. */
  version: string
  /** The trailer (`end=1`) was seen: the script ran to its end. */
  complete: boolean
  /** The private IP the script found (IMDSv2, else `hostname -I`) and sent as the Host header. */
  privateIp?: string
  os: {id?: string; versionId?: string; prettyName?: string}
  /** dnf, yum, apt, zypper, apk, or undefined. */
  packageManager?: string
  /** systemd is PID 1 (systemctl usable). */
  systemd: boolean
  nginx: {
    installed: boolean
    binary?: string
    version?: string
    /** `systemctl is-active nginx`: active, inactive, failed, activating, unknown... */
    active?: string
    /** `systemctl is-enabled nginx`: enabled, disabled, masked, static, not-found... */
    enabled?: string
    /** The `Active:` line of `systemctl status nginx`. */
    statusLine?: string
    /** Running nginx processes (pgrep), for hosts without systemd. */
    processes?: number
    /** `nginx -t`. */
    configTest?: {ok: boolean; message: string}
    /** keepalive_timeout values found by `nginx -T`, in seconds; nginx's default (75) when it sets none. */
    keepaliveTimeoutSeconds?: number
    /** Every keepalive_timeout value as written in the config. */
    keepaliveRaw?: string[]
  }
  /** ss or netstat: the tool that listed the sockets. Absent when neither exists, and then `listeners` says nothing. */
  listenTool?: string
  /** Sockets listening on the target port or the health-check port. */
  listeners: ListeningSocket[]
  /** Every listening TCP port on the host, to spot a server on the wrong port. */
  allPorts: number[]
  /** The local request to the health-check path with `Host: <private IP>`, as the ALB sends it. */
  healthProbe?: {
    tool: 'curl' | 'wget' | 'bash' | 'none'
    url?: string
    statusCode?: number
    error?: string
  }
  /** Last lines of nginx's error log, each truncated. */
  errorLog: string[]
  /** Use% of the root filesystem. */
  diskUsePercent?: number
  /** Lines that did not parse (unknown key, bad value, text before the header): kept, never trusted. */
  warnings: string[]
}

/** One instance's run of one probe. */
export interface OnInstanceRun {
  instanceId: string
  /** OnInstanceProbe.id */
  probeId: string
  commandId?: string
  status: InvocationStatus
  responseCode?: number
  /** Why there is no usable output (SendFailed / NoAnswer / Undeliverable ...). */
  detail?: string
  /** Raw output, bounded (see MAX_STORED_STDOUT in src/collect/on-instance.ts). */
  stdout: string
  stderr: string
  /** Present when the output carried the script's header. */
  parsed?: DiagnosticResult
}

export interface OnInstanceSection {
  scriptVersion: string
  /** The overall wait the runner was given, in milliseconds. */
  timeoutMs: number
  probes: OnInstanceProbe[]
  runs: OnInstanceRun[]
}
