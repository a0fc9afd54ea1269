import type {RuleMeta} from '../types.js'

export const ssmCatalogue: RuleMeta[] = []
