import type {Rule} from '../types.js'
import {nginxNotInstalled} from './nginx-not-installed.js'
import {nginxNotRunning} from './nginx-not-running.js'
import {nginxNotEnabled} from './nginx-not-enabled.js'
import {nginxConfigInvalid} from './nginx-config-invalid.js'
import {nothingListeningOnPort} from './nothing-listening-on-port.js'
import {healthPathLocalFailure} from './health-path-local-failure.js'
import {nginxKeepaliveShorterThanIdleTimeout} from './nginx-keepalive-shorter-than-idle-timeout.js'
import {instanceDiskFull} from './instance-disk-full.js'
import {instanceCommandNoAnswer} from './instance-command-no-answer.js'

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
