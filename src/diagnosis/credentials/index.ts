export {
  parsePullSecret,
  findCredentialFor,
  describeEntries,
  type DockerConfigEntry,
  type PullSecretProblem,
  type PullSecretParse,
} from './docker-config.js';
