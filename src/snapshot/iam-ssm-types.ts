/**
 * Snapshot sections for SSM readiness: the instances' IAM (instance profile → role → policies) and
 * Systems Manager's view of them. Owned by the SSM readiness work (issue 3).
 */

export interface IamSection {
  [key: string]: unknown
}

export interface SsmSection {
  [key: string]: unknown
}
