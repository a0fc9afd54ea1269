import type {RuleMeta} from '../types.js'

/** Security group, NACL and route rules. */
export const networkCatalogue: RuleMeta[] = []
