export { assertAliasName, RESERVED_ALIASES } from './alias-name.js';
export { formatModelReference, type ModelReference, parseModelReference } from './model-reference.js';
export { type RegisterVersionOptions, type RegistrationDeps, registerVersion } from './registration.js';
export { type ChangeOptions, type LoadedModel, Registry, type RegistryOptions } from './registry-service.js';
