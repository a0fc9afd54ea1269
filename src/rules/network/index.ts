import type {Rule} from '../types.js'
import {sgInstanceIngress} from './sg-instance-ingress.js'
import {sgAlbEgress} from './sg-alb-egress.js'
import {naclBlocksTraffic} from './nacl-blocks-traffic.js'
import {albSubnetNoIgwRoute} from './alb-subnet-no-igw-route.js'
import {instanceSubnetNoEgress} from './instance-subnet-no-egress.js'

/** Security group, NACL and route rules: the path from the ALB to the instances, then the ways in and out. */
export const networkRules: Rule[] = [sgInstanceIngress, sgAlbEgress, naclBlocksTraffic, albSubnetNoIgwRoute, instanceSubnetNoEgress]
