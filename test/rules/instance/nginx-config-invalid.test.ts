import {describe, expect, it} from 'vitest'

import {rule as nginxConfigInvalid} from '../../../src/rules/instance/nginx-config-invalid.js'
import {INSTANCE_IDS} from '../../fixtures/world.js'
import {findings, worldWith, sample} from './helpers.js'

const healthy = sample('al2023-healthy')
const ubuntu = sample('ubuntu2204-nginx-bad-config-apache2')

describe('nginx-config-invalid', () => {
  it('passes when nginx -t succeeds', () => {
    expect(findings(nginxConfigInvalid, worldWith(healthy))).toEqual([])
  })

  it('fails with the emerg line of nginx -t, and explains nginx-not-running on the same instances', () => {
    const [f] = findings(nginxConfigInvalid, worldWith(ubuntu))
    expect(f.message).toBe(
      `nginx -t fails on 3 of 3 checked instances of web-tg (${INSTANCE_IDS.join(', ')}): nginx: [emerg] unknown directive "server_nme" in /etc/nginx/sites-enabled/default:24`,
    )
    expect(f.explains).toEqual(INSTANCE_IDS.map((resource) => ({ruleId: 'nginx-not-running', resource})))
  })
})
