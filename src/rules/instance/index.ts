import type {Rule} from '../types.js'
import {rule as nginxNotInstalled} from './nginx-not-installed.js'
import {rule as nginxNotRunning} from './nginx-not-running.js'
import {rule as nginxNotEnabled} from './nginx-not-enabled.js'
import {rule as nginxConfigInvalid} from './nginx-config-invalid.js'
import {rule as nothingListeningOnPort} from './nothing-listening-on-port.js'
import {rule as healthPathLocalFailure} from './health-path-local-failure.js'
import {rule as nginxKeepaliveShorterThanIdleTimeout} from './nginx-keepalive-shorter-than-idle-timeout.js'
import {rule as instanceDiskFull} from './instance-disk-full.js'
import {rule as instanceCommandNoAnswer} from './instance-command-no-answer.js'

/** The checks over the on-instance section (the diagnostic script's results), deepest cause first. */
export const instanceRules: Rule[] = [
  nginxNotInstalled,
  nginxNotRunning,
  nginxConfigInvalid,
  nothingListeningOnPort,
  healthPathLocalFailure,
  nginxNotEnabled,
  nginxKeepaliveShorterThanIdleTimeout,
  instanceDiskFull,
  instanceCommandNoAnswer,
]
