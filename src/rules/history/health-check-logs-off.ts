/**
 * health-check-logs-off: the load balancer's health-check logs are off. Worth knowing, never a failure on its own:
 * without them a flapping target and the reason of each failed check stay hidden behind UnHealthyHostCount.
 */
import type {AnalysisContext} from '../../analyze/context.js'
import type {Rule} from '../types.js'
import {logsOffFinding} from './util.js'

const ID = 'health-check-logs-off'

export const rule: Rule = {id: ID, check: (ctx: AnalysisContext) => logsOffFinding(ctx, ID, 'health-check')}
