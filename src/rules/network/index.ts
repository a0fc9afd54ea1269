import type {Rule} from '../types.js'

/** Security group, NACL and route rules. */
export const networkRules: Rule[] = []
