/**
 * The parts of the Microsoft 365 Agents Toolkit project file schema, version v1.11, that Pull Doctor's m365agents*.yml
 * files use: packages/fx-core/resource/yaml-schema/v1.11/yaml.schema.json in OfficeDev/microsoft-365-agents-toolkit
 * (published as https://aka.ms/m365-agents-toolkits/v1.11/yaml.schema.json, the version the toolkit's current
 * templates declare, e.g. templates/vsc/ts/default-bot/m365agents.yml.tpl). Actions reference:
 * https://aka.ms/teamsfx-actions.
 */

export const SCHEMA_VERSION = 'v1.11';
export const SCHEMA_URL = `https://aka.ms/m365-agents-toolkits/${SCHEMA_VERSION}/yaml.schema.json`;

/** Top-level properties of the file (additionalProperties: false). */
export const FILE_PROPERTIES = [
  'version',
  'projectId',
  'environmentFolderPath',
  'additionalMetadata',
  'provision',
  'deploy',
  'publish',
  'share',
] as const;
export const LIFECYCLES = ['provision', 'deploy', 'publish', 'share'] as const;

/** Every action of the v1.11 lifeCycleArray. Those Pull Doctor uses are modelled in ACTIONS below. */
export const ALL_ACTIONS = [
  'aadApp/create',
  'aadApp/update',
  'arm/deploy',
  'azureStorage/enableStaticWebsite',
  'cli/runNpmCommand',
  'cli/runDotnetCommand',
  'cli/runNpxCommand',
  'azureStorage/deploy',
  'azureAppService/zipDeploy',
  'azureFunctions/zipDeploy',
  'teamsApp/create',
  'teamsApp/validateManifest',
  'teamsApp/validateAppPackage',
  'teamsApp/validateWithTestCases',
  'teamsApp/zipAppPackage',
  'teamsApp/update',
  'teamsApp/publishAppPackage',
  'botAadApp/create',
  'botFramework/create',
  'file/createOrUpdateEnvironmentFile',
  'file/createOrUpdateJsonFile',
  'devTool/install',
  'teamsApp/extendToM365',
  'spfx/deploy',
  'teamsApp/copyAppPackageToSPFx',
  'script',
  'apiKey/register',
  'azureStaticWebApps/getDeploymentKey',
  'apiKey/update',
  'oauth/register',
  'oauth/update',
  'devChannel/create',
  'devChannel/installApp',
  'typeSpec/compile',
] as const;

/** Properties every action may have (additionalProperties: false). */
export const ACTION_PROPERTIES = ['uses', 'name', 'env', 'with', 'writeToEnvironmentFile'] as const;

export interface ActionShape {
  with: { required: readonly string[]; allowed: readonly string[] };
  /** Absent: the action writes nothing to the environment file. */
  writeToEnvironmentFile?: { required: readonly string[]; allowed: readonly string[] };
}

export const ACTIONS: Readonly<Record<string, ActionShape>> = {
  'arm/deploy': {
    with: {
      required: ['subscriptionId', 'resourceGroupName', 'templates'],
      allowed: ['subscriptionId', 'resourceGroupName', 'templates', 'bicepCliVersion'],
    },
  },
  'cli/runNpmCommand': { with: { required: ['args'], allowed: ['args', 'workingDirectory'] } },
  script: { with: { required: ['run'], allowed: ['run', 'workingDirectory', 'shell', 'timeout', 'redirectTo'] } },
  'teamsApp/validateAppPackage': { with: { required: ['appPackagePath'], allowed: ['appPackagePath'] } },
  'teamsApp/update': { with: { required: ['appPackagePath'], allowed: ['appPackagePath'] } },
  'teamsApp/publishAppPackage': {
    with: { required: ['appPackagePath'], allowed: ['appPackagePath'] },
    writeToEnvironmentFile: { required: ['publishedAppId'], allowed: ['publishedAppId'] },
  },
  // The "with secret" variant (generateClientSecret: true).
  'aadApp/create': {
    with: {
      required: ['name', 'generateClientSecret', 'signInAudience'],
      allowed: [
        'name',
        'generateClientSecret',
        'generateServicePrincipal',
        'signInAudience',
        'serviceManagementReference',
        'clientSecretExpireDays',
        'clientSecretDescription',
        'uniqueName',
      ],
    },
    writeToEnvironmentFile: {
      required: ['clientId', 'objectId', 'clientSecret'],
      allowed: ['clientId', 'objectId', 'clientSecret', 'tenantId', 'authority', 'authorityHost'],
    },
  },
  'file/createOrUpdateEnvironmentFile': { with: { required: ['envs', 'target'], allowed: ['envs', 'target'] } },
};

/** arm/deploy template entries (additionalProperties: false). */
export const ARM_TEMPLATE_PROPERTIES = { required: ['deploymentName', 'path'], allowed: ['deploymentName', 'path', 'parameters'] } as const;

/** `envVarName` and `secretEnvVarName` of the schema: names written by writeToEnvironmentFile. */
export const ENV_VAR_NAME = /^[A-Z][A-Z0-9_]*$/;
export const SECRET_ENV_VAR_NAME = /^SECRET_[A-Z0-9_]+$/;

/** Set by the toolkit itself for every environment. */
export const BUILT_IN_VARIABLES = ['TEAMSFX_ENV', 'AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME', 'TEAMS_APP_TENANT_ID'] as const;
