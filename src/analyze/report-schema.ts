/**
 * JSON Schema (draft-07) of `diagnose --json`: the Report, version 1. Published as docs/report.schema.json
 * (`npm run docs`); tests validate real reports against it, so the contract and the code cannot drift apart.
 * Additive changes (a new optional field, a new rule id) keep the version; anything else bumps REPORT_VERSION.
 */
import {REPORT_SCHEMA, REPORT_VERSION} from './report.js'
import {SEVERITIES} from '../rules/types.js'

type Schema = Record<string, unknown>
const str: Schema = {type: 'string'}
const int: Schema = {type: 'integer', minimum: 0}
const strList: Schema = {type: 'array', items: str}
const obj = (properties: Record<string, Schema>, required: string[] = Object.keys(properties)): Schema => ({type: 'object', properties, required})

const severity: Schema = {enum: [...SEVERITIES]}
const finding = obj(
  {
    ruleId: {...str, description: 'The check that found it; stable (docs/checks.md).'},
    key: {...str, description: 'Unique within the report: the rule id and the main resource.'},
    severity,
    title: str,
    message: {...str, description: 'The specific statement, with names and numbers.'},
    resources: {...strList, description: 'ARNs or ids of the resources concerned, most specific first.'},
    evidence: {...strList, description: 'What the check saw, one line each.'},
    data: {type: 'object', description: 'The same evidence, structured; its shape depends on the rule.'},
    remediation: obj({summary: str, commands: strList, console: str}, ['summary']),
    confidence: {enum: ['certain', 'likely', 'possible'], description: 'certain: read off the evidence; likely/possible: inferred.'},
    explains: {type: 'array', items: obj({ruleId: str, resource: str}, ['ruleId']), description: 'The symptoms this finding explains.'},
  },
  ['ruleId', 'key', 'severity', 'title', 'message', 'resources', 'evidence', 'remediation', 'confidence'],
)
const counts = obj({total: int, healthy: int, unhealthy: int, initial: int, unused: int, draining: int, unavailable: int})

const num: Schema = {type: 'number'}
const iso: Schema = {...str, description: 'ISO-8601.'}
const changeEvent = obj(
  {
    time: iso,
    source: {enum: ['autoscaling-activity', 'instance-refresh', 'launch-template-version', 'cloudtrail']},
    what: {...str, description: 'The API action or the kind of change.'},
    resources: strList,
    who: {...str, description: 'An IAM ARN or user name; `autoscaling` for the service\'s own actions.'},
    detail: str,
    status: str,
    id: str,
  },
  ['time', 'source', 'what', 'resources'],
)
const signalSource: Schema = {enum: ['metrics', 'access-logs', 'health-check-logs']}
const history = obj(
  {
    window: obj({start: iso, end: iso}),
    summary: {...str, description: 'When the errors began, their shape, and the nearest change before the onset with who made it.'},
    analysis: obj(
      {
        signal: obj({id: str, label: str, source: signalSource}),
        totalErrors: num,
        onset: obj({index: int, time: iso, beforeWindow: {type: 'boolean'}, baseline: num, threshold: num}),
        shape: obj(
          {
            shape: {enum: ['none', 'steady', 'single-burst', 'bursts', 'periodic']},
            periodSeconds: num,
            bursts: {type: 'array', items: {type: 'array', items: int, minItems: 2, maxItems: 2}, description: 'Runs of elevated intervals: [first, last] index.'},
            elevatedShare: num,
          },
          ['shape', 'bursts', 'elevatedShare'],
        ),
        nearestChange: obj({event: changeEvent, secondsBeforeOnset: num}),
        changesBeforeOnset: {type: 'array', items: changeEvent},
      },
      ['totalErrors', 'shape', 'changesBeforeOnset'],
    ),
    timeline: obj({
      columnSeconds: int,
      columns: int,
      signals: {
        type: 'array',
        items: obj(
          {
            id: str,
            label: str,
            short: str,
            source: signalSource,
            kind: {enum: ['count', 'level']},
            values: {type: 'array', items: {type: ['number', 'null']}, description: 'One per column, oldest first; null: no data point.'},
            total: num,
            max: num,
          },
          ['id', 'label', 'short', 'source', 'kind', 'values', 'max'],
        ),
      },
      noData: {...strList, description: 'Series with no data point in the window.'},
      changes: {type: 'array', items: obj({mark: str, column: int, event: changeEvent})},
      markerLine: {...str, description: 'One character per column: `·`, a change\'s mark, or `*` for several.'},
      targets: {
        type: 'array',
        items: obj(
          {
            target: str,
            failures: int,
            statuses: {type: 'array', items: {enum: ['pass', 'fail', null]}},
            last: obj({time: iso, to: {enum: ['pass', 'fail']}, reason: str, statusCode: str}, ['time', 'to']),
          },
          ['target', 'failures', 'statuses'],
        ),
      },
    }),
    notes: strList,
    unavailable: {type: 'array', items: obj({api: str, reason: str, missing: str}), description: 'Sources whose calls failed: what the timeline lacks.'},
  },
  ['window', 'summary', 'analysis', 'timeline', 'notes', 'unavailable'],
)

export const reportSchema: Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/asg-doctor/asg-doctor/docs/report.schema.json',
  title: 'asg-doctor diagnose --json report',
  ...obj(
    {
      schema: {const: REPORT_SCHEMA},
      version: {const: REPORT_VERSION},
      target: obj({loadBalancerArn: str, name: str, dnsName: str, scheme: str, region: str, accountId: str}, ['loadBalancerArn', 'name', 'region']),
      collectedAt: {...str, description: 'When the snapshot was collected (ISO-8601).'},
      overview: obj(
        {
          listeners: {type: 'array', items: obj({port: int, protocol: str}, [])},
          targetGroups: {type: 'array', items: obj({name: str, arn: str, protocol: str, port: int, healthCheck: str, targets: counts}, ['name', 'arn', 'healthCheck', 'targets'])},
          autoScalingGroups: {type: 'array', items: obj({name: str, min: int, desired: int, max: int, inService: int, attached: {type: 'boolean'}}, ['name', 'inService', 'attached'])},
          idleTimeoutSeconds: int,
          endpointUrl: str,
        },
        ['listeners', 'targetGroups', 'autoScalingGroups'],
      ),
      status: {enum: ['healthy', 'problems', 'incomplete'], description: 'problems: exit 1; incomplete: exit 4; healthy: exit 0.'},
      summary: obj({
        findings: obj(Object.fromEntries(SEVERITIES.map((s) => [s, int]))),
        checks: obj({pass: int, fail: int, 'not-applicable': int, 'could-not-check': int}),
      }),
      rootCauses: {
        type: 'array',
        description: 'The findings nothing else explains, most important first, each with every finding it explains.',
        items: obj({cause: finding, symptoms: {type: 'array', items: finding}}),
      },
      findings: {type: 'array', items: finding, description: 'Every finding, most severe first.'},
      checks: {
        type: 'array',
        items: obj({ruleId: str, title: str, status: {enum: ['pass', 'fail', 'not-applicable', 'could-not-check']}, reason: str, findings: int}, ['ruleId', 'title', 'status', 'findings']),
      },
      notes: strList,
      history: {...history, description: 'The evidence over time (--since); absent with --no-history and for snapshots without it.'},
    },
    ['schema', 'version', 'target', 'collectedAt', 'overview', 'status', 'summary', 'rootCauses', 'findings', 'checks', 'notes'],
  ),
}
