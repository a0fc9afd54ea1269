import type {Rule} from '../types.js'
import {albState} from './alb-state.js'
import {listenerDefaultAction} from './listener-default-action.js'
import {targetGroupNoListener} from './target-group-no-listener.js'
import {targetGroupEmpty} from './target-group-empty.js'
import {targetHealthUnhealthy} from './target-health-unhealthy.js'
import {targetHealthInitial} from './target-health-initial.js'
import {targetHealthUnused} from './target-health-unused.js'
import {healthCheckPath} from './health-check-path.js'
import {healthCheckTiming} from './health-check-timing.js'
import {asgNotAttached} from './asg-not-attached.js'
import {asgInstancesNotRegistered} from './asg-instances-not-registered.js'
import {asgNoCapacity} from './asg-no-capacity.js'
import {asgLaunchFailures} from './asg-launch-failures.js'
import {asgHealthCheckTypeEc2} from './asg-health-check-type-ec2.js'
import {launchTemplateNoWebServer} from './launch-template-no-web-server.js'

/** Listener, target group, target health, health-check settings and Auto Scaling rules, from the ALB inwards. */
export const healthRules: Rule[] = [
  albState,
  listenerDefaultAction,
  targetGroupNoListener,
  targetGroupEmpty,
  targetHealthUnhealthy,
  targetHealthInitial,
  targetHealthUnused,
  healthCheckPath,
  healthCheckTiming,
  asgNotAttached,
  asgInstancesNotRegistered,
  asgNoCapacity,
  asgLaunchFailures,
  asgHealthCheckTypeEc2,
  launchTemplateNoWebServer,
]
