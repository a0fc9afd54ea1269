/**
 * What an instance's user data tries to download at boot, read from the launch template version it was launched
 * from. Used to say, next to a missing route out, which install could not have worked.
 */
import type {Instance} from '@aws-sdk/client-ec2'
import type {AnalysisContext, J} from '../../analyze/context.js'
import {userDataText} from '../../lib/user-data.js'

/** A package manager installing or updating packages (sudo, flags and `-y` allowed before the verb). */
const INSTALL = /^\s*(?:sudo\s+)?(?:dnf|yum|apt-get|apt|zypper|apk)\b(?:\s+-\S+)*\s+(?:install|update|upgrade|add)\b.*$/m

export interface UserDataInstall {
  /** The first install line, e.g. `dnf install -y nginx`. */
  line: string
  /** `lt-0abc… v3`. */
  source: string
}

/**
 * The first package-install line of the user data the instance was launched with; `null` when the user data is
 * known and installs nothing; `undefined` when it is not in the snapshot or cannot be read (e.g. a corrupt gzip).
 * Gzip and MIME multipart user data are read as cloud-init would run them.
 */
export function userDataInstalls(ctx: AnalysisContext, instance: J<Instance>): UserDataInstall | null | undefined {
  const tag = (k: string) => instance.Tags?.find((t) => t.Key === k)?.Value
  const fromAsg = instance.InstanceId ? ctx.groupMember(instance.InstanceId)?.member.LaunchTemplate : undefined
  const ltId = tag('aws:ec2launchtemplate:id') ?? fromAsg?.LaunchTemplateId
  if (!ltId) return undefined
  const version = tag('aws:ec2launchtemplate:version') ?? fromAsg?.Version
  // Thousands of instances share a handful of template versions: decode each user data once per analysis.
  const memo = memos.get(ctx) ?? new Map<string, UserDataInstall | null | undefined>()
  memos.set(ctx, memo)
  const key = JSON.stringify([ltId, version])
  if (!memo.has(key)) memo.set(key, installsOf(ctx, ltId, version))
  return memo.get(key)
}

const memos = new WeakMap<AnalysisContext, Map<string, UserDataInstall | null | undefined>>()

function installsOf(ctx: AnalysisContext, ltId: string, version: string | undefined): UserDataInstall | null | undefined {
  const versions = ctx.launchTemplateVersions().filter((v) => v.LaunchTemplateId === ltId)
  const chosen =
    versions.find((v) => String(v.VersionNumber) === version) ??
    versions.find((v) => v.DefaultVersion) ??
    [...versions].sort((a, b) => (b.VersionNumber ?? 0) - (a.VersionNumber ?? 0))[0]
  if (!chosen) return undefined
  const encoded = chosen.LaunchTemplateData?.UserData
  if (!encoded) return null
  const text = readable(encoded)
  if (text === undefined) return undefined
  const m = INSTALL.exec(text)
  return m ? {line: m[0].trim(), source: `${ltId} v${chosen.VersionNumber ?? '?'}`} : null
}

/** The user data as text, or undefined when gunzip fails: this rule only adds detail, it must not fail on it. */
function readable(encoded: string): string | undefined {
  try {
    return userDataText(encoded)
  } catch {
    return undefined
  }
}
