/**
 * The catalogue of every check: one entry per rule, grouped in one file per area. docs/checks.md is
 * generated from it (npm run docs); a test keeps the two in step and checks every rule has an entry.
 */
import type {RuleMeta} from '../types.js'
import {healthCatalogue} from './health.js'
import {networkCatalogue} from './network.js'
import {ssmCatalogue} from './ssm.js'
import {instanceCatalogue} from './instance.js'
import {historyCatalogue} from './history.js'

const all = [...instanceCatalogue, ...ssmCatalogue, ...networkCatalogue, ...healthCatalogue, ...historyCatalogue] as const

export const catalogue: ReadonlyMap<string, RuleMeta> = new Map(all.map((m) => [m.id, m]))
/** Every entry, with its literal id: the source of the RuleId type. */
export const catalogueEntries = all
