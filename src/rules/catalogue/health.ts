import type {RuleMeta} from '../types.js'

/** Listener, target group, target health, health-check settings and Auto Scaling rules. */
export const healthCatalogue: RuleMeta[] = []
