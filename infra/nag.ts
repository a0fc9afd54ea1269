/**
 * Acknowledgements of cdk-nag findings, through CDK's own `Validations.of(...).acknowledge()`, so the stack needs
 * no cdk-nag at run time (it is a dev dependency used by the tests). Each one carries the reason a reviewer reads.
 */
import {Validations} from 'aws-cdk-lib'
import type {IConstruct} from 'constructs'

export interface Acknowledgement {
  /** The cdk-nag rule id, e.g. AwsSolutions-EC23, optionally narrowed to one finding: `AwsSolutions-IAM4[Policy::...]`. */
  readonly id: string
  readonly reason: string
}

export function acknowledge(scope: IConstruct, acks: Acknowledgement[]): void {
  for (const ack of acks) Validations.of(scope).acknowledge({id: ack.id, reason: ack.reason})
}
