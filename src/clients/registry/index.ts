export type * from './registry-client.js';
export { createRegistryClient, DEFAULT_REGISTRY_TIMEOUT_MS, type RegistryClientOptions } from './create-registry-client.js';
export { staticRegistryNetwork, type StaticHostMap } from './static-network.js';
export { systemRegistryNetwork, type SystemNetworkOptions } from './system-network.js';
export { parseWwwAuthenticate } from './www-authenticate.js';
export { MANIFEST_MEDIA_TYPES } from './media-types.js';
