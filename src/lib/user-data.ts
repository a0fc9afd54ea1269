/**
 * Launch template user data, read and written in one place: the rules read it (what does it install, start,
 * download?) and `fix-nginx --persist` extends it.
 *
 * Reading: base64, then gzip undone (cloud-init accepts gzip), giving the document as stored (`decodeUserData`);
 * for a reader that wants what cloud-init will run, MIME multipart archives, nested ones too, are flattened into
 * their parts (`userDataText`).
 *
 * Writing: empty user data becomes the install script alone; anything cloud-init understands (a shell script,
 * #cloud-config, #include, a boothook, a MIME multipart, ...) becomes a MIME multipart whose first part is the
 * original, untouched, and whose second part is the install script. Appending to a shell script would be shorter,
 * but an original ending in `exit 0`, or failing under `set -e`, would then skip the install; as its own part the
 * install runs whatever the original does. A MIME original is nested whole as the first part (cloud-init walks
 * nested multiparts). Anything else (e.g. Windows `<powershell>`) is refused.
 */
import {createHash} from 'node:crypto'
import {gunzipSync, gzipSync} from 'node:zlib'

/** EC2's limit on user data, before base64. */
export const USER_DATA_LIMIT = 16 * 1024

const TYPES: [RegExp, string][] = [
  [/^#!/, 'text/x-shellscript'],
  [/^#cloud-config-archive/, 'text/cloud-config-archive'],
  [/^#cloud-config/, 'text/cloud-config'],
  [/^#include/, 'text/x-include-url'],
  [/^#cloud-boothook/, 'text/cloud-boothook'],
  [/^#part-handler/, 'text/part-handler'],
  [/^## template: jinja/, 'text/jinja2'],
]

export type UserDataFormat = 'empty' | 'mime' | 'unknown' | string

/** `empty`, `mime`, a MIME type for cloud-init's single-part formats, or `unknown`. */
export function userDataFormat(text: string): UserDataFormat {
  if (text.trim() === '') return 'empty'
  if (/^(content-type|mime-version):/i.test(text)) return 'mime'
  return TYPES.find(([re]) => re.test(text))?.[1] ?? 'unknown'
}

/** Base64 user data as the document stored (a MIME archive stays one); gzip is undone. */
export function decodeUserData(base64: string | undefined): string {
  if (!base64) return ''
  const raw = Buffer.from(base64, 'base64')
  return (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8')
}

/** Base64 user data as the text cloud-init runs: gzip undone, MIME multipart archives flattened into their parts. */
export function userDataText(base64: string | undefined): string {
  return flatten(decodeUserData(base64))
}

function flatten(text: string): string {
  const [head] = text.split(/\r?\n\r?\n/)
  const boundary = /^content-type:\s*multipart\/[^\n]*boundary="?([^"\s;]+)"?/im.exec(head)?.[1]
  if (!boundary) return text
  return text
    .split(`--${boundary}`)
    .slice(1)
    .map((part) => {
      const [headers, ...body] = part.trim().split(/\r?\n\r?\n/)
      if (/^content-type:\s*multipart\//im.test(headers)) return flatten(part.trim())
      const content = body.join('\n\n').trim()
      return /content-transfer-encoding:\s*base64/i.test(headers) ? decodeUserData(content) : content
    })
    .join('\n')
}

/** Base64 for the launch template; gzipped only when it would not fit in 16 KB otherwise. */
export function encodeUserData(text: string): {base64: string; gzipped: boolean; bytes: number} {
  const raw = Buffer.from(text, 'utf8')
  if (raw.length <= USER_DATA_LIMIT) return {base64: raw.toString('base64'), gzipped: false, bytes: raw.length}
  const gz = gzipSync(raw, {level: 9})
  return {base64: gz.toString('base64'), gzipped: true, bytes: gz.length}
}

/** The original and the install block as one user data document (see the module comment). */
export function mergeUserData(original: string, block: string): string {
  const format = userDataFormat(original)
  if (format === 'empty') return block
  if (format === 'unknown') throw new Error('unknown user data format')
  const boundary = `==asg-doctor-${createHash('sha256').update(original).update(block).digest('hex').slice(0, 24)}==`
  const ascii = /^[\t\n\r\x20-\x7e]*$/.test(original)
  const first =
    format === 'mime'
      ? original.replace(/\s+$/, '')
      : [
          `Content-Type: ${format}; charset="utf-8"`,
          'MIME-Version: 1.0',
          ...(ascii ? [] : ['Content-Transfer-Encoding: base64']),
          'Content-Disposition: attachment; filename="original-user-data"',
          '',
          ascii ? original.replace(/\s+$/, '') : (Buffer.from(original, 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join('\n'),
        ].join('\n')
  return [
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    'MIME-Version: 1.0',
    '',
    `--${boundary}`,
    first,
    `--${boundary}`,
    'Content-Type: text/x-shellscript; charset="utf-8"',
    'MIME-Version: 1.0',
    'Content-Disposition: attachment; filename="asg-doctor-nginx.sh"',
    '',
    block,
    `--${boundary}--`,
    '',
  ].join('\n')
}
