export {
  startFakeRegistryServer,
  type FakeRegistryServer,
  type FakeRegistryServerOptions,
  type FakeRequestRecord,
} from './fake-registry-server.js';
export { ACR_NULL_USERNAME, type FakeAcrOptions } from './fake-acr.js';
export { DOCKER_HUB_AUTH_HOST, DOCKER_HUB_REGISTRY_HOST, type FakeDockerHubOptions } from './fake-docker-hub.js';
export { testEntraToken, readEntraClaims, type EntraClaims } from './entra-token.js';
export { sampleRepository, findManifest, type RepositoryContent } from './sample-image.js';
export { sampleImage, sampleIndex, blob, type ContentBlob, type SampleImage, type ManifestFormat } from './sample-image.js';
