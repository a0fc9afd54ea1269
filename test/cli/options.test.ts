import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {awsFlagTokens, checkEndpointUrl, checkProfile, checkRegion, knownRegions, profileNames} from '../../src/lib/options.js'
import {closestFlag, outputJsonInArgv, parseErrorSentence} from '../../src/lib/base-command.js'
import {shellCommand} from '../../src/lib/shell.js'

describe('checkRegion', () => {
  it('takes the regions AWS has, from aws-cdk-lib\'s table', () => {
    expect(knownRegions()).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-gov-west-1', 'cn-north-1']))
    expect(checkRegion('eu-west-1')).toBe('eu-west-1')
  })

  it('names the closest real region for a typo, and none for something else', () => {
    expect(() => checkRegion('us-est-1')).toThrow('"us-est-1" (--region) is not an AWS region; did you mean us-east-1?')
    expect(() => checkRegion('eu-west-9', 'AWS_REGION')).toThrow(/^"eu-west-9" \(AWS_REGION\) is not an AWS region; did you mean eu-west-[123]\?$/)
    expect(() => checkRegion('mars')).toThrow('"mars" (--region) is not an AWS region.')
    expect(() => checkRegion('')).toThrow('--region is empty.')
  })
})

describe('checkEndpointUrl', () => {
  it('takes http and https URLs with a host', () => {
    expect(checkEndpointUrl('http://127.0.0.1:5000')).toBe('http://127.0.0.1:5000')
    expect(checkEndpointUrl(' https://ec2.eu-west-1.amazonaws.com ')).toBe('https://ec2.eu-west-1.amazonaws.com')
  })

  it('says what is wrong with anything else, in one sentence', () => {
    for (const bad of ['not-a-url', 'localhost:5000', 'ftp://host/', 'http://', '']) {
      expect(() => checkEndpointUrl(bad), bad).toThrow(/is not an http:\/\/ or https:\/\/ URL\.$/)
    }
  })
})

describe('checkProfile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asgd-profiles-'))
  const files = {config: join(dir, 'config'), credentials: join(dir, 'credentials')}
  writeFileSync(files.config, '[default]\nregion = us-east-1\n[profile ops]\nregion = eu-west-1\n[sso-session corp]\nsso_region = eu-west-1\n')
  writeFileSync(files.credentials, '[dev]\naws_access_key_id = A\naws_secret_access_key = B\n')

  it('reads the profiles of both files, not the sso-session sections', async () => {
    expect(await profileNames(files)).toEqual(['default', 'dev', 'ops'])
    await expect(checkProfile('ops', files)).resolves.toBe('ops')
    await expect(checkProfile('dev', files)).resolves.toBe('dev')
  })

  it('lists the profiles that exist, and suggests the closest', async () => {
    await expect(checkProfile('opz', files)).rejects.toMatchObject({message: 'The AWS profile "opz" does not exist; the profiles are: default, dev, ops.', hint: expect.stringMatching(/^Did you mean "ops"\?/)})
  })

  it('says when there are no files at all', async () => {
    const none = {config: join(dir, 'nope-config'), credentials: join(dir, 'nope-credentials')}
    await expect(checkProfile('ops', none)).rejects.toThrow(`The AWS profile "ops" does not exist: there is no ${none.config} or ${none.credentials}.`)
  })
})

describe('awsFlagTokens', () => {
  it('carries the flags that were given, quoted for the shell', () => {
    expect(shellCommand('asg-doctor', 'diagnose', 'web', ...awsFlagTokens({region: 'us-east-1', profile: "it's", endpointUrl: 'http://127.0.0.1:5000'}))).toBe(
      "asg-doctor diagnose web --region us-east-1 --profile 'it'\\''s' --endpoint-url http://127.0.0.1:5000",
    )
    expect(awsFlagTokens({})).toEqual([])
  })
})

describe('flag helpers of the base command', () => {
  it('finds --output json in any spelling, before --', () => {
    for (const argv of [['--output', 'json'], ['--output=json'], ['-o', 'json'], ['-ojson']]) expect(outputJsonInArgv(argv), argv.join(' ')).toBe(true)
    for (const argv of [['--output', 'text'], ['--', '--output', 'json'], ['json']]) expect(outputJsonInArgv(argv), argv.join(' ')).toBe(false)
  })

  it('suggests the flag that was meant, only when it is close', () => {
    expect(closestFlag('--regoin', ['region', 'profile', 'snapshot'])).toBe('region')
    expect(closestFlag('--snapshto=x', ['region', 'snapshot'])).toBe('snapshot')
    expect(closestFlag('--frobnicate', ['region', 'profile'])).toBeUndefined()
  })

  it('turns oclif\'s parse errors into one sentence', () => {
    expect(parseErrorSentence('Parsing --ssm-timeout \n\tExpected an integer greater than or equal to 5 but received: 0\nSee more help with --help')).toBe(
      '--ssm-timeout: expected an integer greater than or equal to 5 but received: 0.',
    )
    expect(parseErrorSentence('The following error occurred:\n  --verbose=true cannot also be provided when using --quiet\nSee more help with --help')).toBe('--verbose=true cannot also be provided when using --quiet.')
  })
})
