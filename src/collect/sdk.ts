/**
 * Kept for imports written before the loader moved: the SDK packages are loaded in one place, src/lib/aws.ts
 * (`loadSdk` and the per-service shorthands re-exported here).
 */
export {autoScalingSdk, ec2Sdk, elbv2Sdk, iamSdk, loadSdk, ssmSdk, stsSdk} from '../lib/aws.js'
