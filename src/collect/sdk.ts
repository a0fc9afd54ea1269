/**
 * The SDK packages' command classes, loaded on first use with require(): like the clients in src/lib/aws.ts,
 * so that `diagnose --snapshot FILE` and `--help` never pay for loading the SDK, and require() is measurably
 * faster than import() for the SDK's CommonJS builds on Node 20.
 */
import {createRequire} from 'node:module'
import type * as Elbv2 from '@aws-sdk/client-elastic-load-balancing-v2'
import type * as Ec2 from '@aws-sdk/client-ec2'
import type * as AutoScaling from '@aws-sdk/client-auto-scaling'
import type * as Sts from '@aws-sdk/client-sts'

const require = createRequire(import.meta.url)

export const elbv2Sdk = (): typeof Elbv2 => require('@aws-sdk/client-elastic-load-balancing-v2') as typeof Elbv2
export const ec2Sdk = (): typeof Ec2 => require('@aws-sdk/client-ec2') as typeof Ec2
export const autoScalingSdk = (): typeof AutoScaling => require('@aws-sdk/client-auto-scaling') as typeof AutoScaling
export const stsSdk = (): typeof Sts => require('@aws-sdk/client-sts') as typeof Sts
