/**
 * Reading and writing snapshot files. A file that is not a valid snapshot is a user error naming the file and the
 * path of the first bad field.
 */
import {readFile, writeFile} from 'node:fs/promises'
import {createRequire} from 'node:module'
import type * as AjvModule from 'ajv'
import {UserError} from '../lib/errors.js'
import {snapshotSchema} from './schema.js'
import {AJV_OPTIONS} from './ajv-options.js'
import {SNAPSHOT_FORMAT, SNAPSHOT_VERSION} from './types.js'
import type {Snapshot} from './types.js'

const require = createRequire(import.meta.url)

type ValidateFn = ((data: unknown) => boolean) & {errors?: {instancePath: string; message?: string; params?: Record<string, unknown>}[] | null}
let validator: ValidateFn | undefined

function getValidator(): ValidateFn {
  if (!validator) {
    try {
      // Compiled at build time (scripts/compile-schema.mjs): spares ~200 ms of schema compilation per run.
      validator = require('./validate-snapshot.cjs') as ValidateFn
    } catch {
      // Running from the sources (tests): compile now. Loaded on demand: only the offline path pays for ajv.
      const {Ajv} = require('ajv') as typeof AjvModule
      validator = new Ajv(AJV_OPTIONS).compile(snapshotSchema) as ValidateFn
    }
  }
  return validator
}

/** Checks a parsed document against the schema; throws a UserError with the path of the first bad field. */
export function validateSnapshot(data: unknown, source = 'the snapshot'): Snapshot {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UserError(`${source} is not an asg-doctor snapshot: it is not a JSON object.`, 'Create one with `asg-doctor diagnose <alb> --save-snapshot FILE`.')
  }
  const d = data as Record<string, unknown>
  if (d.format !== SNAPSHOT_FORMAT) {
    throw new UserError(`${source} is not an asg-doctor snapshot (its "format" field is not "${SNAPSHOT_FORMAT}").`, 'Create one with `asg-doctor diagnose <alb> --save-snapshot FILE`.')
  }
  if (typeof d.version === 'number' && d.version > SNAPSHOT_VERSION) {
    throw new UserError(`${source} has snapshot format version ${d.version}, newer than this asg-doctor reads (${SNAPSHOT_VERSION}).`, 'Upgrade asg-doctor.')
  }
  const validate = getValidator()
  if (!validate(data)) {
    const e = validate.errors?.[0]
    const where = e?.instancePath ? e.instancePath : '(top level)'
    const detail = e?.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''
    throw new UserError(`${source} is not a valid snapshot: ${where} ${e?.message ?? 'is invalid'}${detail}.`, 'See docs/snapshot.md for the format.')
  }
  return data as Snapshot
}

export async function readSnapshot(file: string): Promise<Snapshot> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UserError(code === 'ENOENT' ? `Snapshot file ${file} does not exist.` : `Cannot read snapshot file ${file}: ${(error as Error).message}`)
  }
  return parseSnapshot(text, `Snapshot file ${file}`)
}

/** A snapshot from its JSON text; `source` names where it came from in the errors ("Snapshot file x.json"). */
export function parseSnapshot(text: string, source: string): Snapshot {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new UserError(`${source} is not valid JSON: ${(error as Error).message}`)
  }
  return validateSnapshot(data, source)
}

export async function writeSnapshot(file: string, snapshot: Snapshot): Promise<void> {
  try {
    await writeFile(file, JSON.stringify(snapshot, null, 2) + '\n', 'utf8')
  } catch (error) {
    throw new UserError(`Cannot write snapshot file ${file}: ${(error as Error).message}`)
  }
}
