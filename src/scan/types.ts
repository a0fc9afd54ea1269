/**
 * The fleet scan's contract: what `asg-doctor scan` asks for and what it returns (its `--json` payload). The CLI
 * command and the watchdog's Lambda handler both call `scanFleet` (./service.ts) with a `ScanRequest` and get a
 * `ScanReport`, so the two cannot drift apart. Pure types: no I/O.
 */
import type {Report} from '../analyze/report.js'
import type {AwsClients} from '../lib/aws.js'
import type {Severity} from '../rules/types.js'
import type {Snapshot} from '../snapshot/types.js'

export const SCAN_SCHEMA = 'asg-doctor-scan'
export const SCAN_VERSION = 1

export interface ScanRequest {
  /** Regions to scan; `['all']` means every region enabled for the account; empty: the configured region. */
  regions: string[]
  /** Named profiles to scan with, each its own account; empty: the default credential chain. */
  profiles: string[]
  /** Keep only ALBs whose name matches (glob with `*`) or that carry the tag (`key=value`). */
  filter?: string[]
  endpointUrl?: string
  failOn: Severity
  /** Run the read-only on-instance script through SSM (off by default for a scan). */
  ssm: boolean
  /** Collect the history evidence (metrics, changes, logs) per ALB; off by default for a scan. */
  history: boolean
  /** At most this many ALBs diagnosed at once per region. */
  concurrency?: number
  /** Keep each ALB's snapshot in its entry (the watchdog stores them in S3); off for the CLI. */
  keepSnapshots?: boolean
}

/** The verdict of one ALB, worst first: `error` means it could not be read at all. */
export type ScanVerdict = 'problems' | 'incomplete' | 'healthy' | 'error'

export interface ScanEntry {
  region: string
  /** The account id, when known. */
  account?: string
  profile?: string
  /** Name and ARN of the load balancer; absent for a region or account that could not be listed. */
  name?: string
  loadBalancerArn?: string
  verdict: ScanVerdict
  targets?: {healthy: number; total: number}
  /**
   * The lead root cause: its rule, title, severity, and how to fix it: `fix` when one command does it, `commands`
   * with every step in order (already shell-quoted; several may be steps of one script or alternatives, as the
   * remediation's summary says), `summary` in words.
   */
  leadCause?: {ruleId: string; title: string; severity: Severity; fix?: string; commands?: string[]; summary?: string}
  /** Why this ALB, region or account could not be read (e.g. AccessDenied naming the IAM action, region disabled). */
  error?: string
  /** The ALB's full report, the same schema as `diagnose --json`. */
  report?: Report
  /** The snapshot the report was made from, with `keepSnapshots`. */
  snapshot?: Snapshot
}

export interface ScanReport {
  schema: typeof SCAN_SCHEMA
  version: typeof SCAN_VERSION
  scannedAt: string
  /** One entry per ALB (or per unreadable region/account), worst verdict first. */
  entries: ScanEntry[]
  summary: {
    loadBalancers: number
    byVerdict: Record<ScanVerdict, number>
    /** AWS calls and wall time of the whole scan. */
    calls: number
    ms: number
  }
}

/**
 * What `scanFleet` is given rather than reaching for itself, so that the CLI and the watchdog's handler (and tests)
 * each bring their own credentials, output and clock.
 */
export interface ScanDeps {
  /**
   * The clients of one region for one profile (`undefined`: the default credential chain); `region` undefined
   * asks for the configured region. The scan asks once per region and profile and shares the clients by every ALB
   * there, so the SDK's adaptive retry (one rate limiter per client) slows them all down together when AWS throttles.
   */
  clients(region: string | undefined, profile: string | undefined): AwsClients
  toolVersion: string
  /** ALBs diagnosed so far out of those found; called as the total grows and after each ALB. */
  progress?(done: number, total: number): void
  /** One line of detail (each AWS call, each region), for --verbose. */
  trace?(line: string): void
  /** The clock: `scannedAt`, and each snapshot's `collectedAt`. */
  now?(): Date
}
