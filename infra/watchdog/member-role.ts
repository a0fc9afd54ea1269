/**
 * The read-only role each member account needs, as a CloudFormation template to deploy there with a StackSet.
 * Generated from the same permission table as `asg-doctor policy --for diagnose-no-ssm`, so the two cannot
 * differ; infra/watchdog/member-role.json is this template, committed for the console and the CLI (a test
 * keeps it in step; `asg-doctor synth --watchdog --member-role` prints it).
 *
 * It trusts one principal only: the watchdog's scanner role, by ARN, in the watchdog's account.
 */
import {policyDocument} from '../../src/lib/permissions.js'
import {DEFAULT_WATCHDOG_PROPS} from './props.js'

/** The scanner role's name in the watchdog account, for a stack of this name. */
export function scannerRoleName(stackName: string): string {
  return `${stackName}-scanner`
}

export function memberRoleTemplate(): Record<string, unknown> {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'asg-doctor watchdog: read-only role the watchdog assumes to diagnose this account\'s load balancers (the actions of asg-doctor policy --for diagnose-no-ssm).',
    Parameters: {
      WatchdogAccountId: {Type: 'String', AllowedPattern: '^\\d{12}$', Description: 'The account the watchdog stack runs in.'},
      WatchdogRoleName: {Type: 'String', Default: scannerRoleName(DEFAULT_WATCHDOG_PROPS.stackName), Description: 'The watchdog\'s scanner role (<stack name>-scanner).'},
      RoleName: {Type: 'String', Default: DEFAULT_WATCHDOG_PROPS.memberRoleName, Description: 'Name of this role; the watchdog assumes it by this name in every member account.'},
    },
    Resources: {
      ReadRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: {Ref: 'RoleName'},
          Description: 'Read-only: asg-doctor watchdog diagnoses the load balancers of this account.',
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: {AWS: {'Fn::Sub': 'arn:${AWS::Partition}:iam::${WatchdogAccountId}:root'}},
                Action: 'sts:AssumeRole',
                Condition: {ArnEquals: {'aws:PrincipalArn': {'Fn::Sub': 'arn:${AWS::Partition}:iam::${WatchdogAccountId}:role/${WatchdogRoleName}'}}},
              },
            ],
          },
          Policies: [{PolicyName: 'asg-doctor-diagnose-no-ssm', PolicyDocument: policyDocument('diagnose-no-ssm')}],
        },
      },
    },
    Outputs: {RoleArn: {Description: 'The role the watchdog assumes.', Value: {'Fn::GetAtt': ['ReadRole', 'Arn']}}},
  }
}
