import type {Rule} from '../types.js'

/** Listener, target group, target health, health-check settings and Auto Scaling rules. */
export const healthRules: Rule[] = []
