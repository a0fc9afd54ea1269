import type {Rule} from '../types.js'
import {rule as sgInstanceIngress} from './sg-instance-ingress.js'
import {rule as sgAlbEgress} from './sg-alb-egress.js'
import {rule as naclBlocksTraffic} from './nacl-blocks-traffic.js'
import {rule as albSubnetNoIgwRoute} from './alb-subnet-no-igw-route.js'
import {rule as instanceSubnetNoEgress} from './instance-subnet-no-egress.js'

/** Security group, NACL and route rules: the path from the ALB to the instances, then the ways in and out. */
export const networkRules: Rule[] = [sgInstanceIngress, sgAlbEgress, naclBlocksTraffic, albSubnetNoIgwRoute, instanceSubnetNoEgress]
