/**
 * A loopback HTTP proxy in front of moto that answers, from a scenario the test sets, only the calls moto cannot
 * do, and forwards everything else to moto unchanged (method, path, headers, body; moto's answer comes back as
 * moto wrote it).
 *
 * Mocked here, and why (moto 5.2's gaps, listed in docs/architecture.md "Testing against moto"):
 * - SSM `DescribeInstanceInformation`: moto answers HTTP 500. The proxy lists the scenario's instances Online.
 * - SSM `SendCommand`: moto accepts it but nothing runs. The proxy records the document and script it was sent
 *   and returns a command id; an instance it does not list Online gets InvalidInstanceId, as from SSM.
 * - SSM `ListCommandInvocations`: moto answers HTTP 500. The proxy answers each instance of the command Success
 *   with the scenario's stdout for the script that was sent (diagnostic or install).
 * - SSM `GetCommandInvocation`: moto always answers Success with empty output. The proxy answers the same stdout.
 * - ELBv2 `DescribeTargetHealth`, only when the scenario sets a target health: moto makes every running target
 *   healthy. The proxy forwards the call to moto and rewrites only the `<TargetHealth>` of moto's healthy
 *   targets, so the rest of the XML is moto's own; an instance the install script has "run" on turns healthy.
 * - Auto Scaling `StartInstanceRefresh`: moto answers HTTP 500. The proxy records it and returns an id.
 * Everything else (EC2, IAM, STS, the rest of ELBv2 and Auto Scaling) is real moto.
 *
 * Each mocked call is counted in `mocked`, each forwarded one in `forwarded` (keys `service:Operation`), so tests
 * can assert what reached AWS, e.g. one SendCommand for 3 instances and no GetCommandInvocation.
 */
import {randomUUID} from 'node:crypto'
import {createServer, request as httpRequest} from 'node:http'
import type {IncomingHttpHeaders, IncomingMessage, ServerResponse} from 'node:http'
import {INSTALL_MARKER, RESULT_PREFIX} from '../../../src/ssm/install-script.js'
import {readBody} from './http.js'

/** The first line of the read-only script of `diagnose` (src/ssm/diagnostic-script.ts). */
export const DIAGNOSTIC_SCRIPT_MARK = '# asg-doctor diagnose: read-only'

export interface TargetHealthState {
  State: string
  Reason?: string
  Description?: string
}

export interface GapScenario {
  /** Instances Systems Manager lists Online, with their private IPs. */
  online: Record<string, string>
  /** stdout of the read-only diagnostic script on an instance. */
  diagnosticOutput?: (instanceId: string) => string
  /** stdout of the fix-nginx install script on an instance. */
  installOutput?: (instanceId: string) => string
  /** The health of every target moto calls healthy, until the install script has run on it; unset: moto's own. */
  targetHealth?: TargetHealthState
}

export interface SentCommand {
  commandId: string
  documentName: string
  instanceIds: string[]
  commands: string[]
  comment?: string
  kind: 'diagnostic' | 'install' | 'unknown'
}

export interface GapProxy {
  endpoint: string
  /** Calls answered by the proxy, by `service:Operation`. */
  mocked: Record<string, number>
  /** Calls forwarded to moto, by `service:Operation`. */
  forwarded: Record<string, number>
  sent: SentCommand[]
  refreshes: {autoScalingGroupName: string; minHealthyPercentage?: number; instanceRefreshId: string}[]
  /** Instances the install script has run on with success (their targets are healthy from then on). */
  installed: Set<string>
  setScenario(scenario: GapScenario): void
  /** Forgets the scenario, the counts and what was sent. */
  reset(): void
  stop(): Promise<void>
}

const SSM_JSON = 'application/x-amz-json-1.1'
const now = () => Date.now() / 1000

/** `service:Operation` of a request: the service from the SigV4 credential scope, the operation from the target or Action. */
function operationOf(headers: IncomingHttpHeaders, body: string): {service: string; op: string; form?: URLSearchParams} {
  const service = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(String(headers.authorization ?? ''))?.[1] ?? 'unknown'
  const target = headers['x-amz-target']
  if (typeof target === 'string') return {service, op: target.slice(target.lastIndexOf('.') + 1)}
  if (String(headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(body)
    return {service, op: form.get('Action') ?? 'unknown', form}
  }
  return {service, op: 'unknown'}
}

function scriptKind(commands: string[]): SentCommand['kind'] {
  const text = commands.join('\n')
  if (text.includes(INSTALL_MARKER)) return 'install'
  if (text.includes(DIAGNOSTIC_SCRIPT_MARK)) return 'diagnostic'
  return 'unknown'
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, {'content-type': contentType, 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': randomUUID()})
  res.end(body)
}

const ssmError = (res: ServerResponse, type: string, message: string) => send(res, 400, SSM_JSON, JSON.stringify({__type: type, message}))

/** Forwards a request to moto as it came and returns moto's answer whole. */
function forward(target: URL, req: IncomingMessage, body: Buffer): Promise<{status: number; headers: IncomingHttpHeaders; body: Buffer}> {
  return new Promise((resolve, reject) => {
    const out = httpRequest(
      {host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers},
      (res) => readBody(res).then((b) => resolve({status: res.statusCode ?? 502, headers: res.headers, body: b}), reject),
    )
    out.on('error', reject)
    out.end(body)
  })
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** moto's DescribeTargetHealth XML with the healthy targets' `<TargetHealth>` replaced: everything else stays moto's. */
export function rewriteTargetHealth(xml: string, stateOf: (instanceId: string) => TargetHealthState | undefined): string {
  // One TargetHealthDescription at a time (its members hold no nested <member>), so a match never spans two.
  return xml.replace(/<member>([\s\S]*?)<\/member>/g, (whole, inner: string) => {
    const id = /<Target><Id>([^<]+)<\/Id>/.exec(inner)?.[1]
    const state = id && inner.includes('<TargetHealth><State>healthy</State></TargetHealth>') ? stateOf(id) : undefined
    if (!state) return whole
    const fields = [`<State>${xmlEscape(state.State)}</State>`]
    if (state.Reason) fields.push(`<Reason>${xmlEscape(state.Reason)}</Reason>`)
    if (state.Description) fields.push(`<Description>${xmlEscape(state.Description)}</Description>`)
    return `<member>${inner.replace('<TargetHealth><State>healthy</State></TargetHealth>', `<TargetHealth>${fields.join('')}</TargetHealth>`)}</member>`
  })
}

export async function startGapProxy(motoEndpoint: string): Promise<GapProxy> {
  const target = new URL(motoEndpoint)
  const commands = new Map<string, SentCommand & {requested: number}>()
  let scenario: GapScenario = {online: {}}
  const proxy: Omit<GapProxy, 'endpoint' | 'stop'> = {
    mocked: {},
    forwarded: {},
    sent: [],
    refreshes: [],
    installed: new Set(),
    setScenario(s) {
      scenario = s
    },
    reset() {
      scenario = {online: {}}
      commands.clear()
      for (const k of Object.keys(proxy.mocked)) delete proxy.mocked[k]
      for (const k of Object.keys(proxy.forwarded)) delete proxy.forwarded[k]
      proxy.sent.length = 0
      proxy.refreshes.length = 0
      proxy.installed.clear()
    },
  }
  const count = (map: Record<string, number>, key: string) => (map[key] = (map[key] ?? 0) + 1)

  /**
   * The scenario's stdout for one instance's run of a command, and whether the script exited 0: the install
   * script exits 1 after a `failed=` result line (src/ssm/install-script.ts).
   */
  const outputOf = (cmd: SentCommand, instanceId: string): {ok: boolean; stdout: string} => {
    const fn = cmd.kind === 'install' ? scenario.installOutput : cmd.kind === 'diagnostic' ? scenario.diagnosticOutput : undefined
    if (!fn) return {ok: false, stdout: `gap proxy: the scenario has no output for a ${cmd.kind} script\n`}
    const stdout = fn(instanceId)
    return {ok: !(cmd.kind === 'install' && new RegExp(`^${RESULT_PREFIX} failed=`, 'm').test(stdout)), stdout}
  }

  /** One invocation as ListCommandInvocations (Details=true) returns it; the install "runs" when first reported. */
  const invocation = (cmd: SentCommand & {requested: number}, instanceId: string) => {
    const {ok, stdout} = outputOf(cmd, instanceId)
    if (ok && cmd.kind === 'install') proxy.installed.add(instanceId)
    const status = ok ? 'Success' : 'Failed'
    return {
      CommandId: cmd.commandId,
      InstanceId: instanceId,
      InstanceName: '',
      Comment: cmd.comment ?? '',
      DocumentName: cmd.documentName,
      DocumentVersion: '$DEFAULT',
      RequestedDateTime: cmd.requested,
      Status: status,
      StatusDetails: status,
      StandardOutputUrl: '',
      StandardErrorUrl: '',
      CommandPlugins: [
        {
          Name: 'aws:runShellScript',
          Status: status,
          StatusDetails: status,
          ResponseCode: ok ? 0 : 1,
          ResponseStartDateTime: cmd.requested,
          ResponseFinishDateTime: now(),
          Output: stdout,
          StandardOutputUrl: '',
          StandardErrorUrl: '',
          OutputS3Region: 'us-east-1',
          OutputS3BucketName: '',
          OutputS3KeyPrefix: '',
        },
      ],
      ServiceRole: '',
      NotificationConfig: {NotificationArn: '', NotificationEvents: [], NotificationType: ''},
      CloudWatchOutputConfig: {CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false},
    }
  }

  /** The SSM operations moto lacks, answered from the scenario; any other SSM call goes to moto. */
  const ssm: Record<string, (input: Record<string, unknown>, res: ServerResponse) => void> = {
    DescribeInstanceInformation(input, res) {
      const filters = (input.Filters as {Key: string; Values: string[]}[] | undefined) ?? []
      const wanted = filters.find((f) => f.Key === 'InstanceIds')?.Values
      const list = Object.entries(scenario.online)
        .filter(([id]) => !wanted || wanted.includes(id))
        .map(([id, ip]) => ({
          InstanceId: id,
          PingStatus: 'Online',
          LastPingDateTime: now(),
          AgentVersion: '3.3.1142.0',
          IsLatestVersion: true,
          PlatformType: 'Linux',
          PlatformName: 'Amazon Linux',
          PlatformVersion: '2023',
          ResourceType: 'EC2Instance',
          IPAddress: ip,
          ComputerName: `ip-${ip.replace(/\./g, '-')}.ec2.internal`,
          AssociationStatus: 'Success',
        }))
      send(res, 200, SSM_JSON, JSON.stringify({InstanceInformationList: list}))
    },
    SendCommand(input, res) {
      const instanceIds = (input.InstanceIds as string[] | undefined) ?? []
      const unknown = instanceIds.filter((id) => !(id in scenario.online))
      if (unknown.length > 0) return ssmError(res, 'InvalidInstanceId', `Instances [[${unknown.join(', ')}]] not in a valid state for account 123456789012`)
      const params = (input.Parameters as Record<string, string[]> | undefined) ?? {}
      const cmd = {
        commandId: randomUUID(),
        documentName: String(input.DocumentName),
        instanceIds,
        commands: params.commands ?? [],
        ...(input.Comment ? {comment: String(input.Comment)} : {}),
        kind: scriptKind(params.commands ?? []),
        requested: now(),
      }
      commands.set(cmd.commandId, cmd)
      const {requested: _requested, ...sent} = cmd
      proxy.sent.push(sent)
      send(
        res,
        200,
        SSM_JSON,
        JSON.stringify({
          Command: {
            CommandId: cmd.commandId,
            DocumentName: cmd.documentName,
            DocumentVersion: '$DEFAULT',
            Comment: cmd.comment ?? '',
            InstanceIds: instanceIds,
            Targets: [],
            Parameters: params,
            RequestedDateTime: cmd.requested,
            ExpiresAfter: cmd.requested + Number(input.TimeoutSeconds ?? 3600),
            Status: 'Pending',
            StatusDetails: 'Pending',
            TargetCount: instanceIds.length,
            CompletedCount: 0,
            ErrorCount: 0,
            DeliveryTimedOutCount: 0,
            TimeoutSeconds: Number(input.TimeoutSeconds ?? 3600),
          },
        }),
      )
    },
    ListCommandInvocations(input, res) {
      const cmd = commands.get(String(input.CommandId))
      if (!cmd) return ssmError(res, 'InvalidCommandId', `Command ${String(input.CommandId)} not found`)
      const invocations = cmd.instanceIds.map((id) => invocation(cmd, id))
      // Without Details, SSM leaves CommandPlugins empty.
      if (input.Details !== true) for (const i of invocations) i.CommandPlugins = []
      send(res, 200, SSM_JSON, JSON.stringify({CommandInvocations: invocations}))
    },
    GetCommandInvocation(input, res) {
      const cmd = commands.get(String(input.CommandId))
      const id = String(input.InstanceId)
      if (!cmd || !cmd.instanceIds.includes(id)) return ssmError(res, 'InvocationDoesNotExist', '')
      const {ok, stdout} = outputOf(cmd, id)
      const status = ok ? 'Success' : 'Failed'
      send(
        res,
        200,
        SSM_JSON,
        JSON.stringify({
          CommandId: cmd.commandId,
          InstanceId: id,
          Comment: cmd.comment ?? '',
          DocumentName: cmd.documentName,
          DocumentVersion: '$DEFAULT',
          PluginName: 'aws:runShellScript',
          ResponseCode: ok ? 0 : 1,
          Status: status,
          StatusDetails: status,
          StandardOutputContent: stdout,
          StandardOutputUrl: '',
          StandardErrorContent: '',
          StandardErrorUrl: '',
          CloudWatchOutputConfig: {CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false},
        }),
      )
    },
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: Error) => {
      if (!res.headersSent) send(res, 502, 'text/plain', `gap proxy: ${error.message}`)
      else res.destroy(error)
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req)
    const {service, op, form} = operationOf(req.headers, body.toString('utf8'))
    const key = `${service}:${op}`

    if (service === 'ssm' && Object.hasOwn(ssm, op)) {
      count(proxy.mocked, key)
      return ssm[op](JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>, res)
    }
    if (op === 'StartInstanceRefresh' && form) {
      count(proxy.mocked, key)
      const id = randomUUID()
      const min = form.get('Preferences.MinHealthyPercentage')
      proxy.refreshes.push({autoScalingGroupName: form.get('AutoScalingGroupName') ?? '', ...(min !== null ? {minHealthyPercentage: Number(min)} : {}), instanceRefreshId: id})
      const xml =
        '<StartInstanceRefreshResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><StartInstanceRefreshResult>' +
        `<InstanceRefreshId>${id}</InstanceRefreshId></StartInstanceRefreshResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></StartInstanceRefreshResponse>`
      return send(res, 200, 'text/xml', xml)
    }

    const answer = await forward(target, req, body)
    const health = scenario.targetHealth
    if (op === 'DescribeTargetHealth' && health && answer.status === 200) {
      count(proxy.mocked, key)
      const xml = rewriteTargetHealth(answer.body.toString('utf8'), (id) => (proxy.installed.has(id) ? undefined : health))
      return send(res, 200, String(answer.headers['content-type'] ?? 'text/xml'), xml)
    }
    count(proxy.forwarded, key)
    res.writeHead(answer.status, answer.headers)
    res.end(answer.body)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    ...proxy,
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
