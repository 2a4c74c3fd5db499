import { permissionRevoked } from '../../support/rbac-incidents.js';
import type { CorpusCase } from '../corpus-case.js';
import { benignRecording, threeWays } from '../corpus-variants.js';
import { realRecording } from '../real-recording.js';

/**
 * RBAC tightened under an app that calls the API server as its own ServiceAccount: a rule out
 * of its Role or ClusterRole, its binding deleted, its account out of the binding's subjects;
 * its pods are refused, exit and crash-loop with nothing of their own changed. A rule it never
 * used taken out is routine.
 */
export const corpusCases: readonly CorpusCase[] = [
  ...threeWays('RBAC: access the app uses taken away', 'catalog, list on ConfigMaps out of its Role', () => permissionRevoked(benignRecording(), 'shop', 'catalog', 'rule')),
  ...threeWays('RBAC: access the app uses taken away', 'payments-api, its RoleBinding deleted', () => permissionRevoked(benignRecording(), 'payments', 'payments-api', 'binding')),
  ...threeWays('RBAC: access the app uses taken away', 'cart, its ServiceAccount out of the binding', () => permissionRevoked(benignRecording(), 'shop', 'cart', 'subject')),
  ...threeWays('RBAC: access the app uses taken away', 'prometheus, its ClusterRole narrowed', () => permissionRevoked(benignRecording(), 'monitoring', 'prometheus', 'cluster-role')),
  ...realRecording('RBAC: access the app uses taken away', 'rbac-role-narrowed'),
  ...realRecording('RBAC: access the app uses taken away', 'rbac-binding-deleted'),
  ...realRecording('benign: a rule the app never uses taken out of its Role', 'rbac-unused-rule-removed-benign'),
  ...threeWays('benign: a rule the app never uses taken out of its Role', 'frontend, leases', () => permissionRevoked(benignRecording(), 'shop', 'frontend', 'unused-rule')),
];
