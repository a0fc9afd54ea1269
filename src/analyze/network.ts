/**
 * Pure evaluation of AWS network controls, the way AWS itself evaluates them, one concern per module under
 * `./network/`: addresses and CIDRs, ports, security groups (stateful, allow-only, the union of every group on the
 * interface), network ACLs (stateless, numbered entries, first match wins), route tables, and the planning of
 * remediation changes (free NACL rule numbers). No I/O and no external dependency: the network rules and the
 * SSM-readiness checks build on these. This file re-exports them, so rules import from one place.
 */
export * from './network/cidr.js'
export * from './network/ports.js'
export * from './network/security-groups.js'
export * from './network/nacl.js'
export * from './network/routes.js'
export * from './network/remediation.js'
