/**
 * Rules are pure functions from a snapshot (through an AnalysisContext of indexes over it) to findings.
 * They never call AWS. Their metadata (title, default severity, what they check) lives in the catalogue
 * (src/rules/catalogue/), from which docs/checks.md is generated.
 */
import type {AnalysisContext} from '../analyze/context.js'
import type {DiagnoseAction} from '../lib/permissions.js'
import type {catalogueEntries} from './catalogue/index.js'

/** Ordered from most to least serious. `error`/`critical` make `diagnose` exit 1 by default. */
export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const
export type Severity = (typeof SEVERITIES)[number]

/** How sure a finding is: `certain` is read straight off the evidence; `likely` is an inference. */
export type Confidence = 'certain' | 'likely' | 'possible'

export type Category = 'listener' | 'target-health' | 'health-check' | 'auto-scaling' | 'network' | 'ssm' | 'instance' | 'history'

export interface RuleMeta {
  /** Stable id, kebab-case, never reused: it is part of the --json contract. */
  id: string
  category: Category
  title: string
  severity: Severity
  /** What the rule checks, one or two sentences, for docs/checks.md. */
  description: string
  /** Why it matters to a 502 / an outage. */
  risk: string
  /** The AWS API calls (IAM action names) whose data the rule reads; if one failed, the rule cannot check. */
  requires: readonly string[]
}

/** What a catalogue file declares: `requires` names only actions `asg-doctor policy` grants (src/lib/permissions.ts). */
export interface CatalogueEntry extends RuleMeta {
  requires: readonly DiagnoseAction[]
}

/** The id of a check in the catalogue: a typo in a rule, an `explains` reference or a test does not compile. */
export type RuleId = (typeof catalogueEntries)[number]['id']

export interface Remediation {
  /** What to do, one sentence. */
  summary: string
  /** Exact commands to run, ready to paste (aws CLI, with real ids filled in). */
  commands?: string[]
  /** Console steps, when there is no single command. */
  console?: string
}

/**
 * Refers to other findings this one explains (its symptoms). `resource` narrows to findings about it. Rules build
 * refs to catalogue ids; a finding in a report (data, possibly read back from JSON) carries plain strings.
 */
export interface FindingRef<Id extends string = RuleId> {
  ruleId: Id
  resource?: string
}

export interface Finding {
  ruleId: string
  /** Unique within a report: `${ruleId}:${resources[0]}` unless the rule sets it. */
  key: string
  severity: Severity
  title: string
  /** The specific statement, with names and numbers: "3 of 3 targets of web-tg are unhealthy (Target.Timeout)". */
  message: string
  /** ARNs or ids of the resources concerned, most specific first. */
  resources: string[]
  /** What the rule saw, as short human-readable lines. */
  evidence: string[]
  /** The same, structured, for --json consumers. */
  data?: Record<string, unknown>
  remediation: Remediation
  confidence: Confidence
  /** Symptoms this finding explains; the engine folds them under it in the report. */
  explains?: FindingRef<string>[]
}

/**
 * What a rule returns: findings (empty means the check passed), why it does not apply here, or why it cannot tell
 * from this snapshot (a field it needs is missing): the engine reports the last as could-not-check.
 */
export type RuleOutcome = Finding[] | {notApplicable: string} | {couldNotCheck: string}

/**
 * A check. The convention: `src/rules/<pack>/<rule-id>.ts` exports `rule: Rule` with that id, and the pack's
 * index lists it (test/rules/registration.test.ts checks all three against the catalogue). The engine also runs
 * rules of a test's own catalogue, whose ids are plain strings.
 */
export interface Rule<Id extends string = RuleId> {
  id: Id
  check(ctx: AnalysisContext<Id>): RuleOutcome
}

export type CheckStatus = 'pass' | 'fail' | 'not-applicable' | 'could-not-check'

export interface CheckResult {
  ruleId: string
  title: string
  status: CheckStatus
  /** For could-not-check and not-applicable: why, e.g. "elasticloadbalancing:DescribeTargetHealth was denied". */
  reason?: string
  findings: number
}

/** Why a rule returned no findings list: not applicable here, or could not tell. */
export const outcomeReason = (o: Exclude<RuleOutcome, Finding[]>): string => ('couldNotCheck' in o ? o.couldNotCheck : o.notApplicable)
