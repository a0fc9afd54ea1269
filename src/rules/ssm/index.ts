import type {Rule} from '../types.js'

export const ssmRules: Rule[] = []
