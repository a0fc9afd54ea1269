/**
 * instance-disk-full: the root filesystem is at least 95% used. nginx cannot write its logs or temp files,
 * package installs fail, and the SSM agent itself may stop working.
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Rule} from '../types.js'
import {idList, ids, perProbe, tgNames} from './util.js'

const ID = 'instance-disk-full'
export const DISK_FULL_PERCENT = 95

function check(ctx: AnalysisContext) {
  return perProbe(ctx, (probe, checked): Finding[] => {
    const full = checked.filter((c) => (c.parsed.diskUsePercent ?? 0) >= DISK_FULL_PERCENT)
    if (full.length === 0) return []
    const list = ids(full)
    return [
      ctx.finding(ID, {
        message: `The root filesystem is ${Math.max(...full.map((c) => c.parsed.diskUsePercent!))}% full on ${full.length} of ${checked.length} checked instances of ${tgNames(probe)} (${idList(list)})`,
        resources: [...list, ...probe.targetGroupArns],
        evidence: full.map((c) => `${c.run.instanceId}: / is ${c.parsed.diskUsePercent}% used`),
        data: {instanceIds: list, usePercent: Object.fromEntries(full.map((c) => [c.run.instanceId, c.parsed.diskUsePercent]))},
        remediation: {
          summary: 'Free space (old logs, the journal, package caches), or grow the root volume and its filesystem; give the launch template a larger root volume so new instances do not fill up too.',
          commands: [
            'sudo du -xh / --max-depth=2 2>/dev/null | sort -h | tail -n 15',
            'sudo journalctl --vacuum-size=200M',
            cmd`aws ec2 describe-instances --instance-ids ${list} --query 'Reservations[].Instances[].BlockDeviceMappings[].Ebs.VolumeId' --output text ${ctx.regionFlag}`,
            cmd`aws ec2 modify-volume --volume-id <volume-id> --size <GiB> ${ctx.regionFlag}   # then: sudo growpart /dev/nvme0n1 1 && sudo xfs_growfs -d / (or resize2fs)`,
          ],
        },
      }),
    ]
  })
}

export const rule: Rule = {id: ID, check}
