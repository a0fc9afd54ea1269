import type {Rule} from '../types.js'

export const instanceRules: Rule[] = []
