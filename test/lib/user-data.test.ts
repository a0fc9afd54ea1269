/**
 * Launch template user data, read and written in one place (src/lib/user-data.ts): the format, gzip on the way in
 * and out, MIME multipart flattened for readers, and the merge `fix-nginx --persist` writes, parsed the way
 * cloud-init parses it.
 */
import {spawnSync} from 'node:child_process'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {decodeUserData, encodeUserData, mergeUserData, userDataFormat, userDataText, USER_DATA_LIMIT} from '../../src/lib/user-data.js'
import {installScript} from '../../src/ssm/install-script.js'
import {BROKEN_USER_DATA} from '../fixtures/world.js'

const BLOCK = installScript({port: 80, healthCheckPath: '/health'}).join('\n')
const b64 = (s: string) => Buffer.from(s).toString('base64')
const b64gz = (s: string) => gzipSync(Buffer.from(s)).toString('base64')

describe('user data', () => {
  it.each([
    ['', 'empty'],
    ['#!/bin/bash\necho hi', 'text/x-shellscript'],
    ['#cloud-config\npackages: [nginx]', 'text/cloud-config'],
    ['#cloud-config-archive\n- type: foo', 'text/cloud-config-archive'],
    ['Content-Type: multipart/mixed; boundary="x"\n', 'mime'],
    ['<powershell>', 'unknown'],
  ])('knows the format of %j', (text, format) => {
    expect(userDataFormat(text)).toBe(format)
  })

  it('uses the install alone when there was no user data', () => {
    expect(mergeUserData('', BLOCK)).toBe(BLOCK)
  })

  it('reads gzipped user data', () => {
    expect(decodeUserData(gzipSync(Buffer.from('#!/bin/sh\necho hi\n')).toString('base64'))).toBe('#!/bin/sh\necho hi\n')
  })

  it('gzips only user data over 16 KB', () => {
    expect(encodeUserData('#!/bin/sh\n').gzipped).toBe(false)
    const big = encodeUserData('#!/bin/sh\n' + 'echo 0123456789abcdef\n'.repeat(1000))
    expect(big.gzipped).toBe(true)
    expect(big.bytes).toBeLessThan(USER_DATA_LIMIT)
  })

  // cloud-init reads user data with Python's email package: parse the result the same way.
  const python = spawnSync('python3', ['-c', 'import email'], {encoding: 'utf8'}).status === 0
  it.skipIf(!python).each([
    ['a shell script', BROKEN_USER_DATA, [['text/x-shellscript', BROKEN_USER_DATA.trimEnd()], ['text/x-shellscript', BLOCK]]],
    ['cloud-config', '#cloud-config\nruncmd:\n  - echo hi\n', [['text/cloud-config', '#cloud-config\nruncmd:\n  - echo hi'], ['text/x-shellscript', BLOCK]]],
    ['non-ASCII shell', '#!/bin/sh\necho "café"\n', [['text/x-shellscript', '#!/bin/sh\necho "café"'], ['text/x-shellscript', BLOCK]]],
    [
      'a MIME multipart',
      'Content-Type: multipart/mixed; boundary="XYZ"\nMIME-Version: 1.0\n\n--XYZ\nContent-Type: text/cloud-config\n\n#cloud-config\nruncmd: [echo a]\n--XYZ\nContent-Type: text/x-shellscript\n\n#!/bin/sh\necho b\n--XYZ--\n',
      [['text/cloud-config', '#cloud-config\nruncmd: [echo a]'], ['text/x-shellscript', '#!/bin/sh\necho b'], ['text/x-shellscript', BLOCK]],
    ],
  ])('wraps %s as MIME parts cloud-init reads in order, the original first', (_name, original, parts) => {
    const merged = mergeUserData(original as string, BLOCK)
    const py = [
      'import email, sys, json',
      'msg = email.message_from_string(sys.stdin.read())',
      'print(json.dumps([[p.get_content_type(), p.get_payload(decode=True).decode("utf-8").rstrip("\\n")] for p in msg.walk() if not p.is_multipart()]))',
    ].join('\n')
    const r = spawnSync('python3', ['-c', py], {input: merged, encoding: 'utf8'})
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout)).toEqual(parts)
  })
})

describe('userDataText', () => {
  const mime = (boundary: string, parts: string[]) =>
    [`Content-Type: multipart/mixed; boundary="${boundary}"`, 'MIME-Version: 1.0', '', ...parts.flatMap((p) => [`--${boundary}`, p]), `--${boundary}--`, ''].join('\n')

  it('is empty for no user data, and leaves a plain script as it is', () => {
    expect(userDataText(undefined)).toBe('')
    expect(userDataText(b64(BROKEN_USER_DATA))).toBe(BROKEN_USER_DATA)
  })

  it('undoes gzip', () => {
    expect(userDataText(b64gz(BROKEN_USER_DATA))).toBe(BROKEN_USER_DATA)
  })

  it('flattens MIME parts, plain and base64, nested multiparts included, in order', () => {
    const inner = mime('IN', ['Content-Type: text/x-shellscript\n\n#!/bin/sh\necho inner'])
    const doc = mime('OUT', [
      'Content-Type: text/cloud-config\n\n#cloud-config\nruncmd: [echo a]',
      `Content-Type: text/x-shellscript\nContent-Transfer-Encoding: base64\n\n${b64('#!/bin/sh\necho b\n')}`,
      inner,
    ])
    // Each closing boundary leaves an empty part behind: blank lines, harmless to every reader.
    expect(userDataText(b64(doc))).toBe('#cloud-config\nruncmd: [echo a]\n#!/bin/sh\necho b\n\n#!/bin/sh\necho inner\n\n')
    // The document as stored keeps the archive: that is what a merge nests.
    expect(decodeUserData(b64(doc))).toBe(doc)
  })

  it('reads back the original and the install from what mergeUserData writes, gzipped or not', () => {
    const merged = mergeUserData(BROKEN_USER_DATA, BLOCK)
    const text = userDataText(b64(merged))
    expect(text).toContain(BROKEN_USER_DATA.trimEnd())
    expect(text.indexOf(BROKEN_USER_DATA.trimEnd())).toBeLessThan(text.indexOf(BLOCK))
    expect(userDataText(b64gz(merged))).toBe(text)
  })
})
