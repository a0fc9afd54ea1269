/**
 * Snapshot section for the results of the read-only diagnostic script run on each instance through SSM
 * SendCommand. Owned by the on-instance work (issue 3).
 */

export interface OnInstanceSection {
  [key: string]: unknown
}
