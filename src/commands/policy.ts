import {Flags} from '@oclif/core'
import {BaseCommand} from '../lib/base-command.js'
import {permissionSets, policyDocument} from '../lib/permissions.js'
import type {PolicyScope} from '../lib/permissions.js'

export default class Policy extends BaseCommand<typeof Policy> {
  static override summary = 'Print the least-privilege IAM policy asg-doctor needs.'

  static override description = `Prints an IAM policy document (JSON) granting exactly the calls a command makes. The diagnose policies are read-only, apart from ssm:SendCommand, which runs the read-only diagnostic script on the instances (leave it out and use diagnose --no-ssm).`

  static override examples = [
    {description: 'Policy for diagnose, as a file for aws iam create-policy', command: '<%= config.bin %> <%= command.id %> > asg-doctor-policy.json'},
    {description: 'Create it in the account', command: 'aws iam create-policy --policy-name asg-doctor --policy-document "$(<%= config.bin %> <%= command.id %>)"'},
    {description: 'What fix-nginx needs on top', command: '<%= config.bin %> <%= command.id %> --for fix-nginx'},
  ]

  static override flags = {
    for: Flags.option({options: ['diagnose', 'diagnose-no-ssm', 'fix-nginx', 'scan'] as const, default: 'diagnose' as const, summary: 'Which command the policy is for.'})(),
    explain: Flags.boolean({summary: 'Explain each statement instead of printing the JSON document.'}),
  }

  public async run(): Promise<unknown> {
    const scope = this.flags.for as PolicyScope
    const doc = policyDocument(scope)
    if (this.jsonEnabled()) return doc
    if (this.flags.explain) {
      for (const set of permissionSets(scope)) {
        this.log(this.chalk.bold(set.sid) + ': ' + set.why)
        for (const a of set.actions) this.log(`  ${a}`)
      }
      return doc
    }
    this.log(JSON.stringify(doc, null, 2))
    return doc
  }
}
