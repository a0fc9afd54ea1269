/** Access and health-check log lines in the documented formats, for the history tests. */
export const LB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188'
export const TG_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/73e2d6bc24d8a067'

export interface AccessLineParts {
  time: string
  target?: string
  times?: [string, string, string]
  elb?: string
  targetStatus?: string
  request?: string
  errorReason?: string
  type?: string
}

/** One access log entry with every documented field (plus one the parser does not know, as AWS may append). */
export function accessLine(p: AccessLineParts): string {
  const [rq, tg, rs] = p.times ?? ['0.000', '0.001', '0.000']
  return [
    p.type ?? 'http',
    p.time,
    'app/web/50dc6c495c0c9188',
    '192.168.131.39:2817',
    p.target ?? '10.0.0.1:80',
    rq,
    tg,
    rs,
    p.elb ?? '200',
    p.targetStatus ?? '200',
    '34',
    '366',
    `"${p.request ?? 'GET http://www.example.com:80/ HTTP/1.1'}"`,
    '"curl/8.5.0 \\"quoted\\""',
    '-',
    '-',
    TG_ARN,
    '"Root=1-58337262-36d228ad5d99923122bbe354"',
    '"-"',
    '"-"',
    '0',
    p.time,
    '"forward"',
    '"-"',
    `"${p.errorReason ?? '-'}"`,
    `"${p.target ?? '10.0.0.1:80'}"`,
    `"${p.targetStatus ?? '200'}"`,
    '"-"',
    '"-"',
    'TID_1234abcd5678ef90',
    'a-future-field',
  ].join(' ')
}

export function healthLine(time: string, target: string, status: 'PASS' | 'FAIL', code = '-', reason = '-', latency = '0.002'): string {
  return ['http', time, latency, target, 'targetgroup/web-tg/73e2d6bc24d8a067', status, code, reason].join(' ')
}
