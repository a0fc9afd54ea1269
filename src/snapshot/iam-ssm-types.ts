/**
 * Snapshot sections for SSM readiness: the instances' IAM (instance profile → role → policies) and
 * Systems Manager's view of them. Owned by the SSM readiness work (issue 3).
 *
 * As elsewhere in the snapshot, these are the raw SDK v3 shapes under AWS's own keys, dates as ISO strings.
 * The one departure: IAM returns policy documents URL-encoded; the collector decodes and parses them, so the
 * snapshot holds them as JSON objects (`PolicyDocument`).
 */
import type {AttachedPolicy, InstanceProfile, Policy} from '@aws-sdk/client-iam'
import type {InstanceInformation} from '@aws-sdk/client-ssm'
import type {Jsonify} from './types.js'

/** An IAM policy statement as written in a policy document (every field may be a string or a list). */
export interface PolicyStatement {
  Sid?: string
  Effect?: string
  Action?: string | string[]
  NotAction?: string | string[]
  Resource?: string | string[]
  NotResource?: string | string[]
  Condition?: Record<string, unknown>
  Principal?: unknown
  NotPrincipal?: unknown
}

/** A parsed IAM policy document. `Statement` may be one object or a list, as IAM accepts both. */
export interface PolicyDocument {
  Version?: string
  Id?: string
  Statement?: PolicyStatement | PolicyStatement[]
}

export interface InlinePolicy {
  PolicyName: string
  /** GetRolePolicy's document, decoded and parsed. */
  PolicyDocument: PolicyDocument
}

export interface RolePolicies {
  /** ListAttachedRolePolicies (all pages). */
  AttachedPolicies: Jsonify<AttachedPolicy>[]
  /** ListRolePolicies names, each read with GetRolePolicy. A policy whose read failed is absent (see errors). */
  InlinePolicies: InlinePolicy[]
}

export interface ManagedPolicy {
  /** GetPolicy. */
  Policy: Jsonify<Policy>
  /** GetPolicyVersion of the policy's DefaultVersionId, decoded and parsed. */
  Document: PolicyDocument
}

export interface IamSection {
  /** GetInstanceProfile, keyed by instance profile ARN (as the instances carry it). */
  InstanceProfiles: Record<string, Jsonify<InstanceProfile>>
  /** The policies of every role of those profiles, keyed by role name. */
  RolePolicies: Record<string, RolePolicies>
  /** Every distinct managed policy attached to those roles, keyed by policy ARN. */
  ManagedPolicies: Record<string, ManagedPolicy>
  /**
   * ARNs of instance profiles and policies that IAM answered NoSuchEntity for (e.g. a profile deleted while
   * instances still carry it). A fact about the account, not a failed call, so it is not in `errors`.
   */
  NotFound: string[]
}

export interface SsmSection {
  /**
   * DescribeInstanceInformation filtered to the running instances of the snapshot (all pages). An instance
   * asked about and absent here is not registered with Systems Manager.
   */
  InstanceInformationList: Jsonify<InstanceInformation>[]
  /** The instance ids asked about, so that "absent from the list" can be told from "never asked". */
  RequestedInstanceIds: string[]
}
