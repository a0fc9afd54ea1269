import type {Rule} from '../types.js'
import {rule as noInstanceProfile} from './no-instance-profile.js'
import {rule as roleMissingPermissions} from './role-missing-permissions.js'
import {rule as vpcDnsDisabled} from './vpc-dns-disabled.js'
import {rule as noPathToEndpoints} from './no-path-to-endpoints.js'
import {rule as endpointPrivateDnsOff} from './endpoint-private-dns-off.js'
import {rule as endpointSgBlocks443} from './endpoint-sg-blocks-443.js'
import {rule as instanceEgress443} from './instance-egress-443.js'
import {rule as endpointNotInAz} from './endpoint-not-in-az.js'
import {rule as agentNotOnline} from './agent-not-online.js'
import {rule as agentOutdated} from './agent-outdated.js'

/** SSM readiness: identity first, then the network path, then what Systems Manager itself reports. */
export const ssmRules: Rule[] = [
  noInstanceProfile,
  roleMissingPermissions,
  vpcDnsDisabled,
  noPathToEndpoints,
  endpointPrivateDnsOff,
  endpointSgBlocks443,
  instanceEgress443,
  endpointNotInAz,
  agentNotOnline,
  agentOutdated,
]
