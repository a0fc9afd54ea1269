/**
 * Seed one benchmark world in moto and keep it up, for experiments the benchmark does not make: profiling a
 * diagnosis (`node --cpu-prof`, `--heap-prof`), saving a large snapshot (`--save-snapshot`), trying a flag. Prints the
 * endpoint, the ALB's name and the environment to use, then waits; Ctrl-C (or SIGTERM) stops moto.
 *
 *   npx tsx scripts/bench/hold-world.ts 3000        # or 100x5
 *
 * Loopback only: moto listens on 127.0.0.1, and the printed environment carries dummy credentials.
 */
import {startGapProxy} from '../../test/integration/helpers/gap-proxy.js'
import {startMoto} from '../../test/integration/helpers/moto.js'
import {REGION, seedWorld, worldLabel} from './world.js'

const [size = '30'] = process.argv.slice(2)
const spec = {instances: Number(size.split('x')[0]), targetGroups: Number(size.split('x')[1] ?? 1)}
if (!Number.isInteger(spec.instances) || spec.instances < 1 || !Number.isInteger(spec.targetGroups) || spec.targetGroups < 1) {
  console.error('usage: npx tsx scripts/bench/hold-world.ts <instances>[x<target groups>]')
  process.exit(2)
}

const moto = await startMoto()
const gap = await startGapProxy(moto.endpoint)
const stop = async () => {
  await gap.stop()
  await moto.stop()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())

console.error(`seeding ${worldLabel(spec)}…`)
const world = await seedWorld(moto.endpoint, spec)
console.log(`${worldLabel(spec)} seeded in ${world.seedSeconds.toFixed(1)} s`)
console.log(`export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null`)
console.log(`./bin/run.js diagnose ${world.albName} --no-ssm --json --endpoint-url ${gap.endpoint} --region ${REGION}`)
await new Promise(() => {})
