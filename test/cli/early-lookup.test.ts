/**
 * The AWS reads bin/run.js starts before oclif loads (src/startup/early-lookup.ts). It reads the command line with
 * the command's flag table, not oclif's parser, so the first block runs both on the same command lines: whenever
 * the early reader accepts one, oclif must find the same load balancer and the same region, profile and endpoint;
 * what the early reader cannot read exactly it must refuse. Then the hand-over: the command takes the early work
 * only with its own options, and work nobody takes stops at the lookup.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Flags, Parser} from '@oclif/core'
import {mockClient} from 'aws-sdk-client-mock'
import {DescribeListenersCommand, DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client} from '@aws-sdk/client-elastic-load-balancing-v2'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import Diagnose from '../../src/commands/diagnose.js'
import {BaseCommand} from '../../src/lib/base-command.js'
import {abandonEarlyLookup, claimEarlyClients, earlyLookupArgs, earlyOptions, startEarlyLookup, takeEarlyCollection} from '../../src/startup/early-lookup.js'
import type {ManifestFlag} from '../../src/startup/early-lookup.js'
import {ALB_ARN, healthyWorld} from '../fixtures/world.js'

// The flags as oclif sees them (the json flag is oclif's own, from enableJsonFlag) and as the manifest lists them.
const FLAGS = {...BaseCommand.baseFlags, ...Diagnose.flags, json: Flags.boolean({description: 'Format output as json.'})}
const TABLE = Object.fromEntries(
  Object.entries(FLAGS).map(([name, f]) => {
    const flag = f as {type: 'boolean' | 'option'; char?: string; aliases?: string[]; allowNo?: boolean; multiple?: boolean; options?: string[]}
    return [name, {type: flag.type, char: flag.char, aliases: flag.aliases, allowNo: flag.allowNo, multiple: flag.multiple, options: flag.options}]
  }),
) as Record<string, ManifestFlag>

const ENV = {AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing'}

async function oclifParse(argv: string[]) {
  const {args, flags} = await Parser.parse(argv.slice(1), {flags: FLAGS, args: Diagnose.args, strict: true})
  return {alb: args.alb as string | undefined, flags: flags as Record<string, unknown>}
}

describe('the early reader reads command lines as oclif does', () => {
  it.each([
    [['diagnose', 'web-alb']],
    [['diagnose', 'web-alb', '--region', 'eu-west-1']],
    [['diagnose', '--region=eu-west-1', 'web-alb']],
    [['diagnose', 'web-alb', '--profile', 'prod', '--endpoint-url', 'http://127.0.0.1:5000']],
    [['diagnose', 'web-alb', '--no-ssm', '--no-history', '--json']],
    [['diagnose', 'web-alb', '-o', 'json', '-q']],
    [['diagnose', 'web-alb', '--format', 'markdown', '--since', '1d', '--fail-on', 'warning']],
    [['diagnose', 'web-alb', '--ssm-targets', 'all', '--ssm-timeout', '30', '--ssm', '--history', '--color']],
    [['diagnose', 'web-alb', '--ssm-timeout', '3600', '--since', '90d']],
    [['diagnose', ALB_ARN]],
    [['diagnose', ALB_ARN, '--region', 'us-east-1']],
    [['diagnose', 'web-alb', '--save-snapshot', 'out.json', '--no-color']],
  ])('%j: the same load balancer and AWS options', async (...argv: string[][]) => {
    const line = argv[0]
    const early = earlyLookupArgs(line, TABLE)
    expect(early).toBeDefined()
    const oclif = await oclifParse(line)
    expect(early?.alb).toBe(oclif.alb)
    for (const name of ['region', 'profile', 'endpoint-url']) expect(early?.flags[name], name).toBe(oclif.flags[name])
  })

  it.each([
    [['scan', 'web-alb'], 'another command'],
    [['diagnose'], 'no load balancer: the list'],
    [['diagnose', 'a', 'b'], 'two arguments'],
    [['diagnose', 'web-alb', '--snapshot', 'f.json'], 'a saved snapshot'],
    [['diagnose', 'web-alb', '-v'], '--verbose traces every call'],
    [['diagnose', 'web-alb', '--debug'], 'an alias of --verbose'],
    [['diagnose', 'web-alb', '--bogus'], 'an unknown flag'],
    [['diagnose', 'web-alb', '--help'], 'help'],
    [['diagnose', 'web-alb', '-qo', 'json'], 'combined short flags'],
    [['diagnose', 'web-alb', '--region', 'eu-west-1', '--region', 'us-east-1'], 'a repeated flag'],
    [['diagnose', 'web-alb', '--region'], 'a flag without its value'],
    [['diagnose', 'web-alb', '--region', '--json'], 'a flag whose value looks like a flag'],
    [['diagnose', 'web-alb', '--json=true'], 'a boolean with a value'],
    [['diagnose', '--', 'web-alb'], 'the end of the flags'],
    [['diagnose', 'web-alb', '--fail-on', 'bogus'], 'an option outside its choices'],
    [['diagnose', 'web-alb', '-o', 'yaml'], 'an output format the command lacks'],
    [['diagnose', 'web-alb', '--since', 'soon'], 'a --since that is not a duration'],
    [['diagnose', 'web-alb', '--since', '91d'], 'a --since past CloudTrail\'s 90 days'],
    [['diagnose', 'web-alb', '--ssm-timeout', '2'], 'an --ssm-timeout under its minimum'],
    [['diagnose', 'web-alb', '--ssm-timeout', '1.5'], 'an --ssm-timeout that is not an integer'],
  ])('%j is refused (%s)', (line) => {
    expect(earlyLookupArgs(line, TABLE)).toBeUndefined()
  })

  it('takes the region of an ARN, and refuses a --region that contradicts it (the command says so)', () => {
    expect(earlyOptions({alb: ALB_ARN, flags: {}}, ENV)?.region).toBe('us-east-1')
    expect(earlyOptions({alb: ALB_ARN, flags: {region: 'eu-west-1'}}, ENV)).toBeUndefined()
    expect(earlyOptions({alb: 'web-alb', flags: {}}, {...ENV, AWS_PROFILE: 'prod'})?.profile).toBe('prod')
    expect(earlyOptions({alb: 'web-alb', flags: {profile: 'dev'}}, {...ENV, AWS_PROFILE: 'prod'})?.profile).toBe('dev')
  })

  it('leaves bad input to the command: a bad region, endpoint or ALB name throws here and starts nothing', async () => {
    expect(() => earlyOptions({alb: 'web-alb', flags: {region: 'eu-wrst-1'}}, ENV)).toThrow(/not an AWS region/)
    expect(() => earlyOptions({alb: 'web-alb', flags: {'endpoint-url': 'ftp://x'}}, ENV)).toThrow()
    expect(() => earlyOptions({alb: 'bad_name!', flags: {}}, ENV)).toThrow()
  })
})

describe('the hand-over', () => {
  const elbv2 = mockClient(ElasticLoadBalancingV2Client)
  const saved = {...process.env}
  let root: string

  beforeEach(() => {
    elbv2.reset()
    Object.assign(process.env, ENV, {AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null'})
    // A root with the package.json and manifest bin/run.js would read.
    root = mkdtempSync(join(tmpdir(), 'asgd-early-'))
    writeFileSync(join(root, 'package.json'), JSON.stringify({name: 'asg-doctor', version: '9.9.9', oclif: {}}))
    writeFileSync(join(root, 'oclif.manifest.json'), JSON.stringify({version: '9.9.9', commands: {diagnose: {id: 'diagnose', flags: TABLE}}}))
  })

  afterEach(() => {
    abandonEarlyLookup()
    process.env = {...saved}
  })

  const lb = healthyWorld().elbv2.LoadBalancers[0]

  it('gives the clients and the collection to the command whose options and ALB are the early ones, once; refuses others', async () => {
    // Unanswered, so that nothing beyond the lookup runs in this test.
    elbv2.on(DescribeLoadBalancersCommand).callsFake(() => new Promise(() => {}))
    const line = ['diagnose', 'web-alb', '--region', 'eu-west-1', '--endpoint-url', 'http://127.0.0.1:9']
    expect(await startEarlyLookup(line, root)).toBe(true)
    expect(elbv2.commandCalls(DescribeLoadBalancersCommand).map((c) => c.args[0].input)).toEqual([{Names: ['web-alb']}])
    // Another region or profile: not these clients.
    expect(claimEarlyClients({region: 'us-east-1', endpointUrl: 'http://127.0.0.1:9'})).toBeUndefined()
    expect(claimEarlyClients({region: 'eu-west-1', endpointUrl: 'http://127.0.0.1:9', profile: 'prod'})).toBeUndefined()
    const clients = claimEarlyClients({region: 'eu-west-1', endpointUrl: 'http://127.0.0.1:9'})
    expect(clients).toBeDefined()
    expect(claimEarlyClients({region: 'eu-west-1', endpointUrl: 'http://127.0.0.1:9'})).toBeUndefined()
    // Another ALB or version: not this collection.
    expect(takeEarlyCollection(clients!, {alb: 'other', toolVersion: '9.9.9', endpointUrl: 'http://127.0.0.1:9'})).toBeUndefined()
    expect(takeEarlyCollection(clients!, {alb: 'web-alb', toolVersion: '1.0.0', endpointUrl: 'http://127.0.0.1:9'})).toBeUndefined()
    const live = takeEarlyCollection(clients!, {alb: 'web-alb', toolVersion: '9.9.9', endpointUrl: 'http://127.0.0.1:9'})
    expect(live?.options).toMatchObject({alb: 'web-alb', region: 'eu-west-1', toolVersion: '9.9.9'})
    expect(takeEarlyCollection(clients!, {alb: 'web-alb', toolVersion: '9.9.9', endpointUrl: 'http://127.0.0.1:9'})).toBeUndefined()
  })

  it('stops work nobody took at the lookup: the collection never starts; taken, it goes on', async () => {
    // Anything beyond the mocked load balancer calls goes to a closed loopback port.
    const line = ['diagnose', 'web-alb', '--region', 'us-east-1', '--endpoint-url', 'http://127.0.0.1:9']
    const settle = () => new Promise((resolve) => setTimeout(resolve, 50))
    for (const take of [false, true]) {
      elbv2.reset()
      let answer: (v: unknown) => void = () => {}
      elbv2.on(DescribeLoadBalancersCommand).callsFake(() => new Promise((resolve) => (answer = resolve)))
      elbv2.on(DescribeListenersCommand).resolves({Listeners: []})
      expect(await startEarlyLookup(line, root)).toBe(true)
      const clients = claimEarlyClients({region: 'us-east-1', endpointUrl: 'http://127.0.0.1:9'})
      const live = take ? takeEarlyCollection(clients!, {alb: 'web-alb', toolVersion: '9.9.9', endpointUrl: 'http://127.0.0.1:9'}) : undefined
      abandonEarlyLookup()
      answer({LoadBalancers: [lb]})
      await settle()
      expect(elbv2.commandCalls(DescribeListenersCommand), take ? 'taken' : 'abandoned').toHaveLength(take ? 1 : 0)
      if (live) await live.collected.catch(() => undefined)
    }
  })

  it('starts nothing when told not to, under DEBUG, or for a command line it cannot read', async () => {
    expect(await startEarlyLookup(['diagnose', 'web-alb', '--region', 'us-east-1'], root, {...process.env, ASG_DOCTOR_NO_EARLY_LOOKUP: '1'})).toBe(false)
    expect(await startEarlyLookup(['diagnose', 'web-alb', '--region', 'us-east-1'], root, {...process.env, DEBUG: '*'})).toBe(false)
    expect(await startEarlyLookup(['diagnose', 'web-alb', '--region', 'nowhere-1'], root)).toBe(false)
    expect(await startEarlyLookup(['diagnose', 'web-alb', '-v', '--region', 'us-east-1'], root)).toBe(false)
    expect(elbv2.commandCalls(DescribeLoadBalancersCommand)).toHaveLength(0)
  })
})
