/**
 * One GET to the load balancer, bounded in time, that reports the status code or the error. HTTPS skips
 * certificate checks: the certificate names the site, not the ALB's DNS name, and the probe sends nothing secret.
 */
import http from 'node:http'
import https from 'node:https'
import type {HttpProbe} from './verify.js'

export function httpProbe(timeoutMs = 5_000): HttpProbe {
  return (url) =>
    new Promise((resolve) => {
      const get = url.startsWith('https:') ? https.get : http.get
      const req = get(url, {agent: false, timeout: timeoutMs, rejectUnauthorized: false, headers: {'user-agent': 'asg-doctor fix-nginx'}}, (res) => {
        res.resume()
        resolve({status: res.statusCode})
      })
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000}s`)))
      req.on('error', (e) => resolve({error: e.message}))
    })
}
