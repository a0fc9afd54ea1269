/**
 * JSON Schema (draft-07) of `scan --json`: the ScanReport, version 1. Each entry's `report` is a diagnose report and
 * is checked against that schema, embedded here, so one file validates the whole document. Published as
 * docs/scan.schema.json (`npm run docs`).
 */
import {reportSchema} from '../analyze/report-schema.js'
import {SEVERITIES} from '../rules/types.js'
import {SCAN_SCHEMA, SCAN_VERSION} from './types.js'
import type {ScanVerdict} from './types.js'

type Schema = Record<string, unknown>
const str: Schema = {type: 'string'}
const int: Schema = {type: 'integer', minimum: 0}
const VERDICTS: readonly ScanVerdict[] = ['problems', 'incomplete', 'healthy', 'error']

/** The diagnose report's schema without its own $schema/$id, as a definition. */
const {$schema: _s, $id: _i, ...report} = reportSchema

const entry: Schema = {
  type: 'object',
  required: ['region', 'verdict'],
  properties: {
    region: str,
    account: {...str, description: 'The account id, when known.'},
    profile: str,
    name: {...str, description: 'The load balancer; absent for a region or account that could not be listed.'},
    loadBalancerArn: str,
    verdict: {enum: [...VERDICTS], description: 'error: the ALB, region or account could not be read (see error).'},
    targets: {type: 'object', required: ['healthy', 'total'], properties: {healthy: int, total: int}},
    leadCause: {
      type: 'object',
      required: ['ruleId', 'title', 'severity'],
      properties: {
        ruleId: str,
        title: str,
        severity: {enum: [...SEVERITIES]},
        fix: {...str, description: 'The command that fixes it, shell-quoted, when one command does.'},
        commands: {type: 'array', items: str, description: 'Every step of the fix in order, shell-quoted (see summary: steps of one script, or alternatives).'},
        summary: {...str, description: 'The fix in words.'},
      },
    },
    error: {...str, description: 'Why it could not be read, naming the API call and, for AccessDenied, the IAM action.'},
    report: {$ref: '#/definitions/report'},
    snapshot: {type: 'object', description: 'The snapshot the report was made from (the watchdog keeps it; docs/snapshot.md).'},
  },
}

export const scanSchema: Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/asg-doctor/asg-doctor/docs/scan.schema.json',
  title: 'asg-doctor scan --json report',
  type: 'object',
  required: ['schema', 'version', 'scannedAt', 'entries', 'summary'],
  properties: {
    schema: {const: SCAN_SCHEMA},
    version: {const: SCAN_VERSION},
    scannedAt: {...str, description: 'ISO-8601.'},
    entries: {type: 'array', items: entry, description: 'One per ALB (or unreadable region or account), worst verdict first.'},
    summary: {
      type: 'object',
      required: ['loadBalancers', 'byVerdict', 'calls', 'ms'],
      properties: {
        loadBalancers: int,
        byVerdict: {type: 'object', required: [...VERDICTS], properties: Object.fromEntries(VERDICTS.map((v) => [v, int]))},
        calls: int,
        ms: {type: 'number', minimum: 0},
      },
    },
  },
  definitions: {report},
}
