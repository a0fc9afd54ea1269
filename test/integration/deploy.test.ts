/**
 * The stack deploys into the moto emulator: through `asg-doctor deploy` (the built CLI, in-process toolkit-lib)
 * and, for the other variants, through a plain CloudFormation CreateStack of the synthesised template. Then
 * `asg-doctor destroy` removes it.
 */
import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {DeleteRouteTableCommand, DescribeRouteTablesCommand, DisassociateRouteTableCommand, EC2Client} from '@aws-sdk/client-ec2'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {synthesize} from '../../infra/synth.js'
import {startMoto} from './deploy-helpers/moto.js'
import type {Moto} from './deploy-helpers/moto.js'

// The SDK warns about Node 20 once per process; the tool supports Node 20 on purpose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const run = promisify(execFile)
const root = new URL('../../', import.meta.url).pathname
const REGION = 'us-east-1'
const scratch = mkdtempSync(join(tmpdir(), 'asg-doctor-deploy-it-'))

/** Fake credentials and no shared config: nothing can reach a real account. */
function env(moto: Moto): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: scratch,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_CONFIG_FILE: join(scratch, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'none'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    NO_COLOR: '1',
    MOTO_ENDPOINT: moto.endpoint,
  }
}

async function cfn(moto: Moto, ...args: string[]): Promise<unknown> {
  const {stdout} = await run('aws', ['--endpoint-url', moto.endpoint, '--output', 'json', 'cloudformation', ...args], {env: env(moto)})
  return stdout.trim() ? JSON.parse(stdout) : undefined
}

async function stackStatus(moto: Moto, name: string): Promise<string> {
  const r = (await cfn(moto, 'describe-stacks', '--stack-name', name)) as {Stacks: Array<{StackStatus: string}>}
  return r.Stacks[0].StackStatus
}

/** moto never deletes a VPC's route tables on DeleteStack and then fails it; real CloudFormation needs no help. */
async function deleteRouteTables(moto: Moto, stackName: string): Promise<number> {
  const r = (await cfn(moto, 'describe-stack-resources', '--stack-name', stackName)) as {StackResources: Array<{ResourceType: string; PhysicalResourceId: string}>}
  const vpcId = r.StackResources.find((x) => x.ResourceType === 'AWS::EC2::VPC')?.PhysicalResourceId
  const ec2 = new EC2Client({region: REGION, endpoint: moto.endpoint, credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}})
  const {RouteTables = []} = await ec2.send(new DescribeRouteTablesCommand({Filters: [{Name: 'vpc-id', Values: [vpcId!]}]}))
  let deleted = 0
  for (const rt of RouteTables) {
    if (rt.Associations?.some((a) => a.Main)) continue
    for (const a of rt.Associations ?? []) await ec2.send(new DisassociateRouteTableCommand({AssociationId: a.RouteTableAssociationId}))
    await ec2.send(new DeleteRouteTableCommand({RouteTableId: rt.RouteTableId}))
    deleted++
  }
  ec2.destroy()
  return deleted
}

/** The CLI must be built (npm run build) with these commands in it. */
function cliBuilt(): boolean {
  if (!existsSync(join(root, 'dist/src/commands/deploy.js'))) return false
  const manifest = join(root, 'oclif.manifest.json')
  return !existsSync(manifest) || ['deploy', 'destroy'].every((c) => c in (JSON.parse(readFileSync(manifest, 'utf8')) as {commands: object}).commands)
}

const built = cliBuilt()
if (!built) console.warn('dist/ has no deploy command: run `npm run build` to test `asg-doctor deploy` against moto. Only the CreateStack checks run.')

let moto: Moto
beforeAll(async () => {
  moto = await startMoto()
})
afterAll(async () => {
  await moto?.stop()
  rmSync(scratch, {recursive: true, force: true})
})

describe.skipIf(!built)('asg-doctor deploy and destroy against moto', () => {
  const stackName = 'asgd-it-nginx-missing'

  it('refuses to deploy without a terminal and without --yes, after printing the plan', async () => {
    const r = await run('node', ['bin/run.js', 'deploy', '--endpoint-url', moto.endpoint, '--stack-name', stackName, '--nat-gateways', '1'], {cwd: root, env: env(moto)}).catch((e: {code: number; stdout: string; stderr: string}) => e)
    expect(r).toMatchObject({code: 2})
    const {stderr} = r as {stderr: string}
    expect(stderr).toContain(`Plan: create or update stack ${stackName} in ${REGION} at ${moto.endpoint}`)
    expect(stderr).toMatch(/Total +\$0\.\d{3}\/h/)
    expect(stderr).toContain(`Error: There is no terminal to confirm the deployment of stack ${stackName} on, so nothing was changed.`)
    await expect(cfn(moto, 'describe-stacks', '--stack-name', stackName)).rejects.toThrow(/does not exist/)
  })

  it('deploys the nginx-missing scenario with --yes to CREATE_COMPLETE and prints the URL and the diagnose command', async () => {
    const started = Date.now()
    const {stdout, stderr} = await run('node', ['bin/run.js', 'deploy', '--endpoint-url', moto.endpoint, '--stack-name', stackName, '--scenario', 'nginx-missing', '--nat-gateways', '1', '--yes'], {cwd: root, env: env(moto)})
    console.info(`asg-doctor deploy against moto took ${Date.now() - started} ms`)
    expect(stderr).toContain(`Plan: create or update stack ${stackName}`)
    expect(await stackStatus(moto, stackName)).toBe('CREATE_COMPLETE')
    const albName = /AlbName: (\S+)/.exec(stdout)?.[1]
    expect(albName).toBeDefined()
    expect(stdout).toMatch(/^Load balancer: http:\/\/\S+\.us-east-1\.elb\.amazonaws\.com\//m)
    expect(stdout).toContain(`Next: asg-doctor diagnose ${albName} --region ${REGION} --endpoint-url ${moto.endpoint}`)
    expect(stdout).toContain('This is the broken scenario "nginx-missing"')
  })

  it('destroys it with --yes', async () => {
    // Three public and three private subnets, one route table each.
    expect(await deleteRouteTables(moto, stackName)).toBe(6)
    const {stdout} = await run('node', ['bin/run.js', 'destroy', '--endpoint-url', moto.endpoint, '--stack-name', stackName, '--yes'], {cwd: root, env: env(moto)})
    expect(stdout).toContain(`Stack ${stackName} is deleted.`)
    const r = (await cfn(moto, 'list-stacks')) as {StackSummaries: Array<{StackName: string; StackStatus: string}>}
    expect(r.StackSummaries.filter((s) => s.StackName === stackName).map((s) => s.StackStatus)).toEqual(['DELETE_COMPLETE'])
  })
})

describe('CloudFormation CreateStack of the synthesised template in moto', () => {
  /** moto's ELBv2 checks that the listener's certificate exists in ACM. */
  async function certificate(): Promise<string> {
    const {stdout} = await run('aws', ['--endpoint-url', moto.endpoint, '--output', 'text', '--query', 'CertificateArn', 'acm', 'request-certificate', '--domain-name', 'web.example.com'], {env: env(moto)})
    return stdout.trim()
  }

  it.each([
    ['default', async () => ({})],
    ['https-both-email', async () => ({certificateArn: await certificate(), alertEmail: 'ops@example.com', scaleOn: 'both' as const, natGateways: 2})],
    ['no-alb-ingress', async () => ({scenario: 'no-alb-ingress' as const})],
    ['no-ssm-endpoints', async () => ({scenario: 'no-ssm-endpoints' as const, natGateways: 1})],
  ])('%s reaches CREATE_COMPLETE', async (name, makeProps) => {
    const partial = await makeProps()
    const stackName = `asgd-it-${name}`
    const file = join(scratch, `${name}.json`)
    writeFileSync(file, JSON.stringify(synthesize({...partial, stackName})))
    await cfn(moto, 'create-stack', '--stack-name', stackName, '--template-body', `file://${file}`, '--capabilities', 'CAPABILITY_IAM')
    const deadline = Date.now() + 60_000
    let status = await stackStatus(moto, stackName)
    while (status.endsWith('_IN_PROGRESS') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      status = await stackStatus(moto, stackName)
    }
    expect(status).toBe('CREATE_COMPLETE')
  })
})
