import type {Rule} from '../types.js'
import {rule as albState} from './alb-state.js'
import {rule as listenerDefaultAction} from './listener-default-action.js'
import {rule as targetGroupNoListener} from './target-group-no-listener.js'
import {rule as targetGroupEmpty} from './target-group-empty.js'
import {rule as targetHealthUnhealthy} from './target-health-unhealthy.js'
import {rule as targetHealthInitial} from './target-health-initial.js'
import {rule as targetHealthUnused} from './target-health-unused.js'
import {rule as healthCheckPath} from './health-check-path.js'
import {rule as healthCheckTiming} from './health-check-timing.js'
import {rule as asgNotAttached} from './asg-not-attached.js'
import {rule as asgInstancesNotRegistered} from './asg-instances-not-registered.js'
import {rule as asgNoCapacity} from './asg-no-capacity.js'
import {rule as asgLaunchFailures} from './asg-launch-failures.js'
import {rule as asgHealthCheckTypeEc2} from './asg-health-check-type-ec2.js'
import {rule as asgAzNotEnabledOnAlb} from './asg-az-not-enabled-on-alb.js'
import {rule as asgHealthCheckGracePeriod} from './asg-health-check-grace-period.js'
import {rule as launchTemplateNoWebServer} from './launch-template-no-web-server.js'

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
  asgAzNotEnabledOnAlb,
  asgHealthCheckTypeEc2,
  asgHealthCheckGracePeriod,
  launchTemplateNoWebServer,
]
