import type {Rule} from '../types.js'
import {rule as noInstanceProfile} from './ssm-no-instance-profile.js'
import {rule as roleMissingPermissions} from './ssm-role-missing-permissions.js'
import {rule as vpcDnsDisabled} from './ssm-vpc-dns-disabled.js'
import {rule as noPathToEndpoints} from './ssm-no-path-to-endpoints.js'
import {rule as endpointPrivateDnsOff} from './ssm-endpoint-private-dns-off.js'
import {rule as endpointSgBlocks443} from './ssm-endpoint-sg-blocks-443.js'
import {rule as instanceEgress443} from './ssm-instance-egress-443.js'
import {rule as endpointNotInAz} from './ssm-endpoint-not-in-az.js'
import {rule as agentNotOnline} from './ssm-agent-not-online.js'
import {rule as agentOutdated} from './ssm-agent-outdated.js'

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
