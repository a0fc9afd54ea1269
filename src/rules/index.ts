import type {Rule} from './types.js'
import {healthRules} from './health/index.js'
import {networkRules} from './network/index.js'
import {ssmRules} from './ssm/index.js'
import {instanceRules} from './instance/index.js'
import {historyRules} from './history/index.js'

/** Every rule, in the order the report lists checks: the ALB side first, then the network, SSM, the instances, then the evidence over time. */
export const allRules: readonly Rule[] = [...healthRules, ...networkRules, ...ssmRules, ...instanceRules, ...historyRules]
