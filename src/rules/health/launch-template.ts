/**
 * Which launch template version an Auto Scaling group launches, resolved against the versions in the snapshot.
 */
import type {LaunchTemplateVersion} from '@aws-sdk/client-ec2'
import type {AnalysisContext, J} from '../../analyze/context.js'
import type {Group} from './util.js'

export interface GroupTemplate {
  id?: string
  name?: string
  /** As the group says it: a number, `$Latest` or `$Default`. */
  requested: string
  version?: J<LaunchTemplateVersion>
}

export function groupTemplate(ctx: AnalysisContext, g: Group): GroupTemplate | undefined {
  const spec = g.LaunchTemplate ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification
  if (!spec) return undefined // a launch configuration: the snapshot does not hold its user data
  const requested = spec.Version ?? '$Default'
  const versions = ctx
    .launchTemplateVersions()
    .filter((v) => (spec.LaunchTemplateId ? v.LaunchTemplateId === spec.LaunchTemplateId : v.LaunchTemplateName === spec.LaunchTemplateName))
  const version =
    requested === '$Latest'
      ? versions.reduce<J<LaunchTemplateVersion> | undefined>((a, v) => ((v.VersionNumber ?? 0) > (a?.VersionNumber ?? -1) ? v : a), undefined)
      : requested === '$Default'
        ? versions.find((v) => v.DefaultVersion)
        : versions.find((v) => String(v.VersionNumber) === requested)
  return {id: spec.LaunchTemplateId ?? version?.LaunchTemplateId, name: spec.LaunchTemplateName ?? version?.LaunchTemplateName, requested, version}
}
