/**
 * The trimmed SDK bundles (scripts/bundle-sdk.mjs; `loadSdk` in src/lib/aws.ts loads them in the built CLI). Built
 * here from the list (src/lib/sdk-exports.ts) into a temporary directory, each must export exactly its list, and
 * each command on it must build the same HTTP request as the package's own command: an input filling every member
 * of the operation's input schema goes through a client of each, to a request handler that records the request
 * instead of sending it. Nothing leaves the process; the answers are compared against moto in
 * test/integration/sdk-bundles.test.ts.
 */
import {mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {NormalizedSchema} from '@smithy/core/schema'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
// @ts-expect-error: a plain ESM script without type declarations
import {bundleSdk} from '../../scripts/bundle-sdk.mjs'
import {loadSdk, sdkBundleDir, sdkModuleId} from '../../src/lib/aws.js'
import {SDK_BUNDLED, SDK_EXPORTS, SDK_PACKAGES} from '../../src/lib/sdk-exports.js'
import type {ServiceKey} from '../../src/lib/sdk-exports.js'

const require = createRequire(import.meta.url)
const ROOT = resolve(import.meta.dirname, '../..')

type Module = Record<string, unknown>
type Ctor = new (...args: unknown[]) => {schema?: unknown; send?: unknown}
interface Sendable {
  send(command: unknown): Promise<unknown>
}

/** A value for every member of a schema (one item per list or map, nested structures to a few levels). */
function sampleOf(ns: NormalizedSchema, name: string, depth = 0): unknown {
  if (ns.isStructSchema()) {
    if (depth > 4) return {}
    const members = [...ns.structIterator()].filter(([, m]) => !m.isStreaming())
    // A union takes one member.
    return Object.fromEntries((ns.isUnionSchema() ? members.slice(0, 1) : members).map(([k, m]) => [k, sampleOf(m, k, depth + 1)]))
  }
  if (ns.isListSchema()) return [sampleOf(ns.getValueSchema(), name, depth + 1)]
  if (ns.isMapSchema()) return {[`${name}-key`]: sampleOf(ns.getValueSchema(), name, depth + 1)}
  if (ns.isBooleanSchema()) return true
  if (ns.isNumericSchema()) return 7
  if (ns.isBigIntegerSchema()) return 7n
  if (ns.isTimestampSchema()) return new Date(Date.UTC(2026, 0, 2, 3, 4, 5))
  if (ns.isBlobSchema()) return new Uint8Array([1, 2, 3])
  if (ns.isDocumentSchema()) return {a: 1}
  return `${name}-value`
}

/**
 * A schema as plain data: lazy references called, a type met again inside itself named instead of expanded, and
 * the serde's own caches (symbol-keyed properties) left out.
 */
function schemaData(schema: unknown, within: unknown[] = []): unknown {
  const s = typeof schema === 'function' ? (schema as () => unknown)() : schema
  if (s === null || typeof s !== 'object') return s
  if (within.includes(s)) return `<${Array.isArray(s) ? String(s[2]) : 'cycle'}>`
  const inner = [...within, s]
  if (Array.isArray(s)) return s.map((x) => schemaData(x, inner))
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, schemaData(v, inner)]))
}

/** The request a client builds for `command`, as comparable data; or the error raised before any request. */
async function requestOf(sdk: Module, clientName: string, command: unknown): Promise<unknown> {
  let recorded: Record<string, unknown> | undefined
  const handler = {
    handle: async (request: Record<string, unknown>) => {
      recorded = request
      throw new Error('recorded')
    },
  }
  const Client = sdk[clientName] as new (config: unknown) => Sendable
  const client = new Client({region: 'us-east-1', credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}, maxAttempts: 1, requestHandler: handler})
  const error = (await client.send(command).catch((e: unknown) => e)) as Error
  if (!recorded) return {error: `${error?.name}: ${error?.message}`}
  const {method, protocol, hostname, port, path, query, body} = recorded
  // What changes from one request to the next: the signature, its time, the invocation's id. The versions in the
  // user agent differ too: the package's CommonJS build carries the version before its own (3.1168.0 in 3.1169.0).
  const headers = Object.fromEntries(
    Object.entries(recorded.headers as Record<string, string>)
      .filter(([k]) => !/^(authorization|x-amz-date|amz-sdk-invocation-id)$/i.test(k))
      .map(([k, v]) => [k, /user-agent$/i.test(k) ? v.replace(/#?\d+\.\d+\.\d+/g, '#VERSION') : v]),
  )
  return {method, protocol, hostname, port, path, query, headers, body: body instanceof Uint8Array ? Buffer.from(body).toString('base64') : body}
}

describe('the trimmed SDK bundles', () => {
  let dir = ''
  const bundles = {} as Record<ServiceKey, Module>

  beforeAll(async () => {
    // Inside the project, as dist/sdk/ is: a bundle finds its client package from where it lies.
    mkdirSync(join(ROOT, 'tmp'), {recursive: true})
    dir = mkdtempSync(join(ROOT, 'tmp', 'sdk-bundles-'))
    await bundleSdk({keys: SDK_BUNDLED, exports: SDK_EXPORTS, packages: SDK_PACKAGES, outdir: dir})
    for (const key of SDK_BUNDLED) bundles[key] = require(join(dir, `${key}.cjs`)) as Module
  }, 120_000)
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it.each(SDK_BUNDLED)('%s exports exactly its list, and no class of the package itself', (key) => {
    const list: readonly string[] = SDK_EXPORTS[key]
    expect(Object.keys(bundles[key]).sort()).toEqual([...list].sort())
    const pkg = require(SDK_PACKAGES[key]) as Module
    for (const name of list) {
      expect(typeof bundles[key][name], name).toBe('function')
      expect(bundles[key][name], name).not.toBe(pkg[name])
    }
  })

  it.each(SDK_BUNDLED)('%s: every command on the list builds the request the package builds, every input member set', async (key) => {
    const pkg = require(SDK_PACKAGES[key]) as Module
    const [clientName, ...commands] = SDK_EXPORTS[key] as readonly string[]
    expect(clientName).toMatch(/Client$/)
    for (const name of commands) {
      const PkgCommand = pkg[name] as Ctor
      const BundleCommand = bundles[key][name] as Ctor
      const operation = new PkgCommand({}).schema as [number, string, string, unknown, unknown, unknown]
      expect(operation?.[0], `${name} is schema-based`).toBe(9)
      expect(schemaData(new BundleCommand({}).schema), `${name}'s schema`).toEqual(schemaData(operation))
      const input = sampleOf(NormalizedSchema.of(operation[4] as never), 'input')
      const fromPackage = await requestOf(pkg, clientName, new PkgCommand(input))
      const fromBundle = await requestOf(bundles[key], clientName, new BundleCommand(input))
      expect(fromPackage, `${name} built a request`).not.toHaveProperty('error')
      expect(fromBundle, name).toEqual(fromPackage)
    }
  })

  it('leaves out the schemas no listed command reaches (EC2: under a fifth of the package)', () => {
    // Should the SDK write its schemas' trait keys another way, esbuild would keep every schema again (1 MB for EC2).
    const size = (file: string) => statSync(file).size
    expect(size(join(dir, 'ec2.cjs'))).toBeLessThan(size(require.resolve('@aws-sdk/client-ec2')) / 5)
  })

  it.each(SDK_BUNDLED)('%s shares the package\'s copy of the SDK\'s common code (one @smithy/core in the process)', (key) => {
    const pkg = require(SDK_PACKAGES[key]) as Module
    const clientName = SDK_EXPORTS[key][0]
    expect(Object.getPrototypeOf(bundles[key][clientName])).toBe(Object.getPrototypeOf(pkg[clientName]))
  })
})

describe('loadSdk', () => {
  it('loads the packages when running from the sources (the mocks stub the packages\' classes)', () => {
    for (const key of Object.keys(SDK_PACKAGES) as ServiceKey[]) expect(sdkModuleId(key)).toBe(SDK_PACKAGES[key])
    expect(loadSdk('ec2').EC2Client).toBe((require('@aws-sdk/client-ec2') as Module).EC2Client)
    expect(loadSdk('elbv2').DescribeLoadBalancersCommand).toBe((require('@aws-sdk/client-elastic-load-balancing-v2') as Module).DescribeLoadBalancersCommand)
  })

  it('looks for bundles only from the compiled CLI: neither from the sources nor from the watchdog\'s Lambda bundle', () => {
    expect(sdkBundleDir('file:///opt/asg-doctor/dist/src/lib/aws.js')).toBe('/opt/asg-doctor/dist/sdk')
    // The CLI's own bundle (scripts/bundle-cli.mjs): a shared chunk, or an entry point that holds this module.
    expect(sdkBundleDir('file:///opt/asg-doctor/dist/cli/chunk-ABCD1234.js')).toBe('/opt/asg-doctor/dist/sdk')
    expect(sdkBundleDir('file:///opt/asg-doctor/dist/cli/startup/early-lookup.js')).toBe('/opt/asg-doctor/dist/sdk')
    expect(sdkBundleDir('file:///opt/dist/asg-doctor/dist/cli/commands/diagnose.js')).toBe('/opt/dist/asg-doctor/dist/sdk')
    expect(sdkBundleDir('file:///opt/asg-doctor/src/lib/aws.ts')).toBeUndefined()
    expect(sdkBundleDir('file:///opt/asg-doctor/dist/watchdog/index.mjs')).toBeUndefined()
    expect(sdkBundleDir('file:///var/task/index.mjs')).toBeUndefined()
    expect(sdkBundleDir()).toBeUndefined()
  })

  it('takes a bundled package\'s bundle when the build wrote one, unless ASG_DOCTOR_NO_SDK_BUNDLE is set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'asg-doctor-sdk-'))
    try {
      writeFileSync(join(dir, 'ec2.cjs'), '')
      writeFileSync(join(dir, 'sts.cjs'), '')
      expect(sdkModuleId('ec2', {}, dir)).toBe(join(dir, 'ec2.cjs'))
      expect(sdkModuleId('ec2', {ASG_DOCTOR_NO_SDK_BUNDLE: '1'}, dir)).toBe('@aws-sdk/client-ec2')
      // No bundle written: the package.
      expect(sdkModuleId('iam', {}, dir)).toBe('@aws-sdk/client-iam')
      // Not a bundled package: a stray file is not picked up.
      expect(SDK_BUNDLED).not.toContain('sts')
      expect(sdkModuleId('sts', {}, dir)).toBe('@aws-sdk/client-sts')
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
