export { startFakeResourceManager } from './start-fake-resource-manager.js';
export type {
  FakeResourceManager,
  StartFakeResourceManagerOptions,
  FakeArmRequestRecord,
  FakeArmWriteRecord,
} from './fake-resource-manager.js';
export { armError, armErrors, type ArmErrorBody } from './arm-errors.js';
export type { FakeRoleDefinition, FakeRolePermission } from './built-in-role-definitions.js';
export { SUPPORTED_API_VERSIONS } from './route.js';
export type { FaultMatch, FaultOptions } from './faults.js';
export type * from './fake-resources.js';
