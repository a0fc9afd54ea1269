/**
 * userDataInstalls: the first install line of an instance's user data, read through lib/user-data.ts, so gzip
 * and MIME multipart user data (which it used to skip as unreadable) are read as cloud-init runs them.
 */
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {AnalysisContext} from '../../../src/analyze/context.js'
import {rule as instanceSubnetNoEgress} from '../../../src/rules/network/instance-subnet-no-egress.js'
import {userDataInstalls} from '../../../src/rules/network/user-data.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {BROKEN_USER_DATA, LT_ID, healthyWorld} from '../../fixtures/world.js'
import {findings} from './helpers.js'

const b64 = (s: string) => Buffer.from(s).toString('base64')
const b64gz = (s: string) => gzipSync(Buffer.from(s)).toString('base64')
const mime = (script: string) =>
  [
    'Content-Type: multipart/mixed; boundary="//"',
    'MIME-Version: 1.0',
    '',
    '--//',
    'Content-Type: text/cloud-config; charset="us-ascii"',
    '',
    '#cloud-config',
    'cloud_final_modules:',
    '- [scripts-user, always]',
    '--//',
    'Content-Type: text/x-shellscript; charset="us-ascii"',
    'Content-Transfer-Encoding: base64',
    '',
    b64(script),
    '--//--',
    '',
  ].join('\n')

function world(userData: string): Snapshot {
  const w = healthyWorld()
  w.ec2.LaunchTemplateVersions[0].LaunchTemplateData!.UserData = userData
  return w
}

const installsOf = (w: Snapshot) => {
  const ctx = new AnalysisContext(w)
  return userDataInstalls(ctx, ctx.snapshot.ec2.Instances[0])
}

describe('userDataInstalls', () => {
  it.each([
    ['plain', b64(BROKEN_USER_DATA)],
    ['gzip', b64gz(BROKEN_USER_DATA)],
    ['MIME multipart with a base64 part', b64(mime(BROKEN_USER_DATA))],
    ['gzipped MIME multipart', b64gz(mime(BROKEN_USER_DATA))],
  ])('finds the first install line in %s user data', (_name, userData) => {
    expect(installsOf(world(userData))).toEqual({line: 'dnf update -y', source: `${LT_ID} v1`})
  })

  it('is null for user data that installs nothing, gzipped or in MIME parts', () => {
    expect(installsOf(world(b64gz('#!/bin/bash\necho hi\n')))).toBeNull()
    expect(installsOf(world(b64(mime('#!/bin/bash\necho hi\n'))))).toBeNull()
  })

  it('is undefined for user data it cannot read (a corrupt gzip), instead of failing the rule', () => {
    const corrupt = Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not gzip at all')]).toString('base64')
    expect(installsOf(world(corrupt))).toBeUndefined()
  })

  it('lets instance-subnet-no-egress quote the install from gzipped user data', () => {
    const w = world(b64gz(BROKEN_USER_DATA))
    w.ec2.VpcEndpoints = w.ec2.VpcEndpoints.filter((e) => !e.ServiceName?.endsWith('.s3'))
    w.ec2.RouteTables.find((r) => r.RouteTableId === 'rtb-0private000000001')!.Routes = []
    expect(findings(instanceSubnetNoEgress, w)[0].message).toContain('Their user data runs `dnf update -y`, which cannot have worked')
  })
})
