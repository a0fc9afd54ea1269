import type {RuleMeta} from '../types.js'

export const instanceCatalogue: RuleMeta[] = []
