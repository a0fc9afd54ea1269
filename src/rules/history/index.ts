import type {Rule} from '../types.js'
import {rule as alb5xxInWindow} from './alb-5xx-in-window.js'
import {rule as keepalive502s} from './keepalive-502s.js'
import {rule as changeBefore5xxOnset} from './change-before-5xx-onset.js'
import {rule as oneTarget5xx} from './one-target-5xx.js'
import {rule as deregistration5xx} from './deregistration-5xx.js'
import {rule as healthChecksFlapping} from './health-checks-flapping.js'
import {rule as application5xx} from './application-5xx.js'
import {rule as accessLogsOff} from './access-logs-off.js'
import {rule as healthCheckLogsOff} from './health-check-logs-off.js'

/** The checks over a window of time: the 5xx users got, then what explains them, then the evidence that is missing. */
export const historyRules: readonly Rule[] = [
  alb5xxInWindow,
  keepalive502s,
  changeBefore5xxOnset,
  oneTarget5xx,
  deregistration5xx,
  healthChecksFlapping,
  application5xx,
  accessLogsOff,
  healthCheckLogsOff,
]
