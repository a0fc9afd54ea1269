import {describe, expect, it} from 'vitest'

import {rule as nginxNotEnabled} from '../../../src/rules/instance/nginx-not-enabled.js'
import {INSTANCE_IDS} from '../../fixtures/world.js'
import {edit, findings, worldWith, sample} from './helpers.js'

const healthy = sample('al2023-healthy')

describe('nginx-not-enabled', () => {
  it('passes when nginx is enabled', () => {
    expect(findings(nginxNotEnabled, worldWith(healthy))).toEqual([])
  })

  it('fails when nginx is disabled (it will not survive a reboot)', () => {
    const [f] = findings(nginxNotEnabled, worldWith(edit(healthy, {'nginx.enabled': 'disabled'})))
    expect(f.severity).toBe('warning')
    expect(f.message).toBe(`nginx will not start at boot (systemctl is-enabled: disabled) on 3 of 3 checked instances of web-tg (${INSTANCE_IDS.join(', ')})`)
    expect(f.remediation.commands![0]).toBe('sudo systemctl enable --now nginx')
  })

  it('unmasks a masked unit first', () => {
    const [f] = findings(nginxNotEnabled, worldWith(edit(healthy, {'nginx.enabled': 'masked'})))
    expect(f.remediation.commands!.slice(0, 2)).toEqual(['sudo systemctl unmask nginx', 'sudo systemctl enable --now nginx'])
  })
})
