import {gzipSync} from 'node:zlib'
import {Readable} from 'node:stream'
import {describe, expect, it} from 'vitest'
import {AccessLogSummariser, classify5xx, parseAccessLogLine, splitLogLine} from '../../src/history/access-log.js'
import {streamLines} from '../../src/history/s3-logs.js'
import {accessLine} from './lines.js'

const T0 = Date.parse('2026-11-29T18:00:00Z')
const at = (min: number) => new Date(T0 + min * 60_000 + 123).toISOString().replace('Z', '456Z')

describe('parsing an access log entry', () => {
  it('reads the documented fields by position and ignores fields appended after them', () => {
    const e = parseAccessLogLine(accessLine({time: '2026-11-29T18:03:00.186641Z'}))!
    expect(e).toMatchObject({type: 'http', elb: 'app/web/50dc6c495c0c9188', client: '192.168.131.39:2817', target: '10.0.0.1:80', elbStatusCode: 200, targetStatusCode: 200, request: 'GET http://www.example.com:80/ HTTP/1.1'})
    expect(e.time).toBe(Date.parse('2026-11-29T18:03:00.186Z'))
    expect(e.fields.user_agent).toBe('curl/8.5.0 "quoted"')
    expect(e.fields.conn_trace_id).toBe('TID_1234abcd5678ef90')
    expect(Object.values(e.fields)).not.toContain('a-future-field')
  })

  it('keeps -1 processing times and reads a `-` target status as no response', () => {
    const e = parseAccessLogLine(accessLine({time: at(1), times: ['0.000', '-1', '-1'], elb: '502', targetStatus: '-'}))!
    expect(e.targetProcessingTime).toBe(-1)
    expect(e.responseProcessingTime).toBe(-1)
    expect(e.targetStatusCode).toBeUndefined()
  })

  it('accepts an older entry that ends after the request line', () => {
    const short = 'https 2026-11-29T18:00:01.000000Z app/web/50dc6c495c0c9188 1.2.3.4:5 10.0.0.1:80 0.001 0.002 0.000 200 200 10 20 "GET https://x:443/ HTTP/1.1"'
    expect(parseAccessLogLine(short)?.elbStatusCode).toBe(200)
  })

  it.each([
    ['a line cut inside a quoted field', accessLine({time: at(1)}).slice(0, 150)],
    ['a line cut before the request', 'http 2026-11-29T18:00:01.000000Z app/web/50dc6c495c0c9188 1.2.3.4:5 10.0.0.1:80 0.001 0.002'],
    ['an unknown type', accessLine({time: at(1), type: 'ftp'})],
    ['a time that is not one', accessLine({time: 'yesterday'})],
    ['a status that is not a number', accessLine({time: at(1), elb: 'OK'})],
    ['binary noise', '\u0000\u0001\u0002 garbage'],
  ])('rejects %s', (_, line) => {
    expect(parseAccessLogLine(line)).toBeUndefined()
  })

  it('splits quoted fields with escapes and reports an unclosed quote', () => {
    expect(splitLogLine('a "b c" "d \\"e\\"" f')).toEqual(['a', 'b c', 'd "e"', 'f'])
    expect(splitLogLine('a "b c')).toBeUndefined()
  })
})

describe('classifying 5xx into documented causes', () => {
  const cause = (p: Parameters<typeof accessLine>[0]) => classify5xx(parseAccessLogLine(accessLine(p))!)
  it('a 5xx the target itself sent is the application\'s', () => {
    expect(cause({time: at(1), elb: '500', targetStatus: '500'})).toBe('target-returned-5xx')
    expect(cause({time: at(1), elb: '503', targetStatus: '503'})).toBe('target-returned-5xx')
  })
  it('a 502 with no response from the target is a connection closed, reset or refused', () => {
    expect(cause({time: at(1), times: ['0.000', '-1', '-1'], elb: '502', targetStatus: '-'})).toBe('target-connection-error')
  })
  it('a 502 although the target answered is a malformed response', () => {
    expect(cause({time: at(1), elb: '502', targetStatus: '200'})).toBe('target-malformed-response')
  })
  it('a 504 is the target not answering in time', () => {
    expect(cause({time: at(1), times: ['0.000', '-1', '-1'], elb: '504', targetStatus: '-'})).toBe('target-timeout')
  })
  it('a 503 with no target chosen is an empty target group', () => {
    expect(cause({time: at(1), target: '-', times: ['-1', '-1', '-1'], elb: '503', targetStatus: '-'})).toBe('no-target')
  })
  it('other load balancer 5xx, and non-5xx', () => {
    expect(cause({time: at(1), target: '-', elb: '500', targetStatus: '-'})).toBe('load-balancer-other')
    expect(cause({time: at(1), elb: '200'})).toBeUndefined()
    expect(cause({time: at(1), elb: '460', targetStatus: '-'})).toBeUndefined()
  })
})

describe('the summariser', () => {
  const window = {start: T0, end: T0 + 60 * 60_000}

  it('counts, classifies, buckets and samples, and counts bad lines without stopping', () => {
    const s = new AccessLogSummariser({window, bucketSeconds: 600, sampleLines: 2})
    s.add(accessLine({time: at(1)}))
    s.add(accessLine({time: at(2), elb: '502', targetStatus: '-', times: ['0.000', '-1', '-1'], target: '10.0.0.2:80'}))
    s.add(accessLine({time: at(12), elb: '502', targetStatus: '-', times: ['0.000', '-1', '-1'], target: '10.0.0.2:80'}))
    s.add(accessLine({time: at(13), elb: '504', targetStatus: '-', times: ['0.001', '-1', '-1']}))
    s.add(accessLine({time: at(14), elb: '500', targetStatus: '500', times: ['0.001', '0.250', '0.000']}))
    s.add('http 2026-11-29T18:20:00.000000Z app/web/x 1.2.3.4:5 10.0.0.1:80 0.0')
    s.add('')
    s.add(accessLine({time: '2026-11-29T17:00:00.000000Z'}))
    const r = s.result({bucket: 'b', prefix: '', objectsFound: 1, objectsRead: 1, bytesRead: 10, truncated: false, keys: [], failedObjects: 0})
    expect(r).toMatchObject({lines: 7, badLines: 1, outsideWindow: 1, requests: 5, errors5xx: 4})
    expect(r.byElbStatus).toEqual({'502': 2, '500': 1, '504': 1})
    expect(r.byTarget).toEqual({'10.0.0.2:80': 2, '10.0.0.1:80': 2})
    expect(r.byTargetStatus).toEqual({'-': 3, '500': 1})
    expect(r.byCause).toEqual({'target-connection-error': 2, 'target-timeout': 1, 'target-returned-5xx': 1})
    expect(r.processingTimes.notDispatched).toBe(3)
    expect(r.processingTimes.target).toMatchObject({count: 1, max: 0.25})
    expect(r.buckets.map((b) => [b.requests, b.elb5xx, b.target5xx])).toEqual([[2, 1, 0], [3, 2, 1], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]])
    expect(r.sample).toHaveLength(2)
    expect(r.badSample[0]).toContain('0.0')
  })

  it('bounds the number of distinct targets it names', () => {
    const s = new AccessLogSummariser({window, bucketSeconds: 600, maxKeys: 2})
    for (let k = 1; k <= 4; k++) s.add(accessLine({time: at(k), elb: '502', targetStatus: '-', times: ['0', '-1', '-1'], target: `10.0.0.${k}:80`}))
    const r = s.result({bucket: 'b', prefix: '', objectsFound: 0, objectsRead: 0, bytesRead: 0, truncated: false, keys: [], failedObjects: 0})
    expect(r.byTarget).toEqual({other: 2, '10.0.0.1:80': 1, '10.0.0.2:80': 1})
  })
})

describe('streaming gzip objects', () => {
  const body = [accessLine({time: at(1)}), accessLine({time: at(2), elb: '502', targetStatus: '-'}), accessLine({time: at(3)})].join('\n') + '\n'

  it('gunzips in chunks and hands over every line', async () => {
    const gz = gzipSync(body)
    const chunks = [gz.subarray(0, 7), gz.subarray(7, 40), gz.subarray(40)]
    const lines: string[] = []
    const bytes = await streamLines(Readable.from(chunks), true, (l) => lines.push(l))
    expect(lines).toHaveLength(3)
    expect(bytes).toBe(gz.length)
  })

  it('delivers the lines of a truncated gzip up to the cut, then fails', async () => {
    const gz = gzipSync(body + body + body)
    const lines: string[] = []
    await expect(streamLines(Readable.from([gz.subarray(0, gz.length - 30)]), true, (l) => lines.push(l))).rejects.toThrow()
    expect(lines.length).toBeGreaterThan(0)
    const s = new AccessLogSummariser({window: {start: T0, end: T0 + 3_600_000}, bucketSeconds: 600})
    for (const l of lines) s.add(l)
    const r = s.result({bucket: 'b', prefix: '', objectsFound: 1, objectsRead: 1, bytesRead: 0, truncated: false, keys: [], failedObjects: 1})
    expect(r.requests + r.badLines).toBe(lines.length)
  })
})
