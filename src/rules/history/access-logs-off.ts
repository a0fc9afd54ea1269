/**
 * access-logs-off: the load balancer's access logs are off. Worth knowing, never a failure on its own: without them a
 * 5xx cannot be traced to its target or told apart as a closed keep-alive connection, a timeout or the
 * application's own answer.
 */
import type {AnalysisContext} from '../../analyze/context.js'
import type {Rule} from '../types.js'
import {logsOffFinding} from './util.js'

const ID = 'access-logs-off'

export const rule: Rule = {id: ID, check: (ctx: AnalysisContext) => logsOffFinding(ctx, ID, 'access')}
