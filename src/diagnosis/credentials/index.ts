export {
  parsePullSecret,
  findCredentialFor,
  describeEntries,
  type DockerConfigEntry,
  type PullSecretProblem,
  type PullSecretParse,
} from './docker-config.js';
export {
  inspectPullSecret,
  type PullSecretInspection,
  type PullSecretIssue,
  type PullSecretIssueCode,
} from './inspect-pull-secret.js';
