/**
 * Does a role's set of policies let the SSM agent do its work? A small, pure evaluator of identity-based
 * policy documents: enough to answer for the agent's actions, deliberately not a full IAM engine.
 *
 * What it evaluates: Statement (object or list), Effect Allow/Deny with explicit Deny winning, Action and
 * NotAction (string or list) with `*` and `?` wildcards, matched case-insensitively as IAM does.
 * What it will not guess at: a statement with a Condition, or whose Resource is not `*` (or uses NotResource),
 * makes the answer `uncertain` rather than allowed or denied. Permissions boundaries, SCPs and session policies
 * are not in the snapshot and are not considered.
 */
import type {PolicyDocument, PolicyStatement} from '../../snapshot/iam-ssm-types.js'

/**
 * Actions without which the agent cannot be reached at all. These are the heart of AmazonSSMManagedInstanceCore.
 */
export const REQUIRED_ACTIONS = [
  // The agent's registration and heartbeat: without it the node never shows as managed (no PingStatus Online).
  'ssm:UpdateInstanceInformation',
  // Session Manager, and Run Command for recent agents: the agent opens a control channel to MGS and data
  // channels per session through the ssmmessages endpoint.
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
  // Run Command delivery through Message Delivery Service: the agent long-polls for commands (GetMessages),
  // acknowledges them, reports results (SendReply), and clears or fails them.
  'ec2messages:GetMessages',
  'ec2messages:AcknowledgeMessage',
  'ec2messages:SendReply',
  'ec2messages:DeleteMessage',
  'ec2messages:FailMessage',
  'ec2messages:GetEndpoint',
] as const

/**
 * The rest of AmazonSSMManagedInstanceCore that the agent uses routinely. Missing ones do not cut the agent
 * off, but State Manager associations (ListAssociations, ListInstanceAssociations, DescribeAssociation,
 * UpdateInstanceAssociationStatus) and documents the agent fetches by name (GetDocument, DescribeDocument) fail,
 * and the agent logs errors on every poll.
 */
export const RECOMMENDED_ACTIONS = [
  'ssm:ListAssociations',
  'ssm:ListInstanceAssociations',
  'ssm:DescribeAssociation',
  'ssm:UpdateInstanceAssociationStatus',
  'ssm:UpdateAssociationStatus',
  'ssm:GetDocument',
  'ssm:DescribeDocument',
] as const

export const SSM_CORE_POLICY_ARN = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'

export type Verdict = 'allowed' | 'denied' | 'implicitly-denied' | 'uncertain'

export interface ActionVerdict {
  action: string
  verdict: Verdict
  /** Why, when uncertain or denied: e.g. "Deny in inline policy lockdown (Sid NoSsm)". */
  reason?: string
}

/** A named document, so verdicts can say which policy decided. */
export interface NamedDocument {
  name: string
  document: PolicyDocument
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v])

/** IAM action patterns: `*` any run of characters, `?` one character, case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${re}$`, 'i').test(action)
}

function statements(doc: PolicyDocument): PolicyStatement[] {
  const s = doc.Statement
  return s === undefined ? [] : Array.isArray(s) ? s : [s]
}

function coversAction(st: PolicyStatement, action: string): boolean {
  if (st.Action !== undefined) return list(st.Action).some((p) => actionMatches(p, action))
  if (st.NotAction !== undefined) return !list(st.NotAction).some((p) => actionMatches(p, action))
  return false
}

/** Why a statement that names the action might not apply to it, or undefined when it surely applies. */
function doubt(st: PolicyStatement): string | undefined {
  if (st.Condition && Object.keys(st.Condition).length > 0) return `has a Condition (${Object.keys(st.Condition).join(', ')})`
  if (st.NotResource !== undefined) return 'uses NotResource'
  if (!list(st.Resource).includes('*')) return `is limited to Resource ${list(st.Resource).join(', ') || '(none)'}`
  return undefined
}

const label = (d: NamedDocument, st: PolicyStatement) => `${d.name}${st.Sid ? ` (Sid ${st.Sid})` : ''}`

export function evaluateAction(docs: NamedDocument[], action: string): ActionVerdict {
  let allow: string | undefined
  let doubtfulAllow: string | undefined
  let doubtfulDeny: string | undefined
  for (const d of docs) {
    for (const st of statements(d.document)) {
      if (!coversAction(st, action)) continue
      const why = doubt(st)
      const deny = String(st.Effect).toLowerCase() === 'deny'
      if (deny && !why) return {action, verdict: 'denied', reason: `explicit Deny in ${label(d, st)}`}
      if (deny) doubtfulDeny ??= `a Deny in ${label(d, st)} ${why}`
      else if (String(st.Effect).toLowerCase() === 'allow') {
        if (why) doubtfulAllow ??= `the only Allow, in ${label(d, st)}, ${why}`
        else allow ??= label(d, st)
      }
    }
  }
  if (allow && doubtfulDeny) return {action, verdict: 'uncertain', reason: doubtfulDeny}
  if (allow) return {action, verdict: 'allowed'}
  if (doubtfulAllow) return {action, verdict: 'uncertain', reason: doubtfulAllow}
  return {action, verdict: 'implicitly-denied', reason: 'no statement allows it'}
}

export interface PermissionReport {
  /** Required actions not allowed (implicitly or explicitly denied). */
  missing: ActionVerdict[]
  /** Required actions that depend on a Condition or a resource scope this evaluator does not judge. */
  uncertain: ActionVerdict[]
  /** Recommended actions not allowed. */
  missingRecommended: ActionVerdict[]
}

export function evaluateSsmPermissions(docs: NamedDocument[]): PermissionReport {
  const required = REQUIRED_ACTIONS.map((a) => evaluateAction(docs, a))
  const recommended = RECOMMENDED_ACTIONS.map((a) => evaluateAction(docs, a))
  const notAllowed = (v: ActionVerdict) => v.verdict === 'denied' || v.verdict === 'implicitly-denied'
  return {
    missing: required.filter(notAllowed),
    uncertain: required.filter((v) => v.verdict === 'uncertain'),
    missingRecommended: recommended.filter(notAllowed),
  }
}
