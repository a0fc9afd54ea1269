import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {readSnapshot, validateSnapshot, writeSnapshot} from '../../src/snapshot/io.js'
import {UserError} from '../../src/lib/errors.js'
import {healthyWorld} from '../fixtures/world.js'

const dir = mkdtempSync(join(tmpdir(), 'asgd-snap-'))

describe('snapshot validation', () => {
  it('accepts the healthy reference world', () => {
    expect(() => validateSnapshot(healthyWorld())).not.toThrow()
  })

  it('names the path of a bad field', () => {
    const w = healthyWorld() as unknown as {elbv2: {TargetGroups: {Port: unknown}[]}}
    w.elbv2.TargetGroups[0].Port = 'eighty'
    expect(() => validateSnapshot(w, 'x.json')).toThrowError('x.json is not a valid snapshot: /elbv2/TargetGroups/0/Port must be integer.')
  })

  it('lists the allowed values of an enum field', () => {
    const w = healthyWorld() as unknown as {elbv2: {TargetHealthDescriptions: Record<string, {TargetHealth: {State: string}}[]>}}
    const first = Object.values(w.elbv2.TargetHealthDescriptions)[0][0]
    first.TargetHealth.State = 'sick'
    expect(() => validateSnapshot(w)).toThrowError(/TargetHealth\/State must be equal to one of the allowed values \(initial, healthy, unhealthy/)
  })

  it('rejects a missing section with its name', () => {
    const w = healthyWorld() as unknown as Record<string, unknown>
    delete w.ec2
    expect(() => validateSnapshot(w)).toThrowError("must have required property 'ec2'")
  })

  it('rejects other JSON documents and newer format versions', () => {
    expect(() => validateSnapshot([])).toThrowError(UserError)
    expect(() => validateSnapshot({LoadBalancers: []})).toThrowError('is not an asg-doctor snapshot (its "format" field is not "asg-doctor-snapshot")')
    expect(() => validateSnapshot({...healthyWorld(), version: 2})).toThrowError('has snapshot format version 2, newer than this asg-doctor reads (1)')
  })
})

describe('snapshot files', () => {
  it('round-trips through a file', async () => {
    const file = join(dir, 'ok.json')
    await writeSnapshot(file, healthyWorld())
    expect(await readSnapshot(file)).toEqual(healthyWorld())
  })

  it('says plainly when a file is missing or not JSON', async () => {
    await expect(readSnapshot(join(dir, 'nope.json'))).rejects.toThrowError(/Snapshot file .*nope\.json does not exist\./)
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, '{"format": ')
    await expect(readSnapshot(bad)).rejects.toThrowError(/is not valid JSON/)
  })
})

describe('the SSM and on-instance sections', () => {
  it('accepts the bundled reference incident, which carries both', async () => {
    const s = await readSnapshot('examples/nginx-missing.json')
    expect(s.onInstance?.runs).toHaveLength(3)
    expect(s.ssm?.InstanceInformationList).toHaveLength(3)
  })

  it('rejects an on-instance run with an unknown status, naming the field', async () => {
    const s = await readSnapshot('examples/nginx-missing.json')
    ;(s.onInstance!.runs[1] as {status: string}).status = 'Done'
    expect(() => validateSnapshot(s)).toThrowError(/\/onInstance\/runs\/1\/status must be equal to one of the allowed values \(Success, Failed/)
  })

  it('rejects a parsed result without its nginx facts', async () => {
    const s = await readSnapshot('examples/nginx-missing.json')
    delete (s.onInstance!.runs[0].parsed as {nginx?: unknown}).nginx
    expect(() => validateSnapshot(s)).toThrowError("/onInstance/runs/0/parsed must have required property 'nginx'")
  })
})
