import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {it} from 'vitest'
import {startGapProxy} from './helpers/gap-proxy.js'
import {ROOT, runCli} from './helpers/cli.js'
import {startMoto, useMotoCredentials} from './helpers/moto.js'
import {NO_WEB_SERVER_USER_DATA, seedWorld} from './helpers/seed.js'

it('measure', async () => {
  useMotoCredentials()
  const moto = await startMoto({iamManagedPolicies: true})
  const proxy = await startGapProxy(moto.endpoint)
  const world = await seedWorld(moto.endpoint, {userData: NO_WEB_SERVER_USER_DATA, healthCheckPath: '/health', groupTemplateVersion: '1', ssmReady: true})
  const sample = readFileSync(join(ROOT, 'test/fixtures/on-instance/al2023-nginx-missing.txt'), 'utf8')
  proxy.setScenario({online: world.privateIps, diagnosticOutput: (id) => sample.replaceAll('10.0.10.11', world.privateIps[id])})
  const base = ['diagnose', world.albName, '--endpoint-url', proxy.endpoint, '--json']
  const variants: Record<string, string[]> = {
    'no-ssm no-history': ['--no-ssm', '--no-history'],
    'no-ssm history': ['--no-ssm'],
    'ssm no-history': ['--no-history'],
    'ssm history': [],
  }
  const out: Record<string, number[]> = {}
  for (let k = 0; k < 7; k++) {
    for (const [name, extra] of Object.entries(variants)) {
      const r = await runCli(proxy.endpoint, [...base, ...extra, '--verbose'])
      ;(out[name] ??= []).push(r.ms)
      if (k === 0) {
        const hist = /history collected in (\d+) ms/.exec(r.stderr)?.[1]
        const coll = /collected with \d+ AWS calls in (\d+) ms/.exec(r.stderr)?.[1]
        console.log(name, 'exit', r.code, 'history ms', hist, 'collect ms', coll, 'ssm lines', (r.stderr.match(/ssm:(SendCommand|ListCommandInvocations)/g) ?? []).length)
      }
    }
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]
  for (const [n, v] of Object.entries(out)) console.log(n, 'median', med(v), 'all', v.join(','))
  await proxy.stop()
  await moto.stop()
}, 300_000)
