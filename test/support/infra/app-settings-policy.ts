/**
 * Which configuration keys the Azure templates (infra/modules/app-settings.bicep) deliberately do not set, and which
 * they set before the code that reads them is merged. test/infra/app-settings.test.ts holds the templates and
 * CONFIG_KEYS (src/config/config.ts) to these lists, so that one of them must change when the other does.
 */

/** Read by the code, not set in Azure, and why. */
export const INTENTIONALLY_UNSET: Readonly<Record<string, string>> = {
  KUBECONFIG: 'In Azure the bot reaches clusters through ARM (listClusterUserCredential) with its managed identity, not a kubeconfig file.',
  KUBE_CONTEXT: 'No kubeconfig in Azure, so no context to choose.',
  STORE_SQLITE_PATH: 'Azure uses the blob store (STORE_KIND=azure-blob); SQLite is for a single machine.',
  STORE_BLOB_CONNECTION_STRING:
    'A connection string holds the account key; the account refuses shared keys and the bot uses its managed identity (STORE_BLOB_ACCOUNT_URL). Development and Azurite only.',
  POD_NAME:
    "The downward API (fieldRef metadata.name) is Kubernetes'; Container Apps has no fieldRef. The Lease holder identity then falls back to pull-doctor-<8 random hex digits>, unique per process, which is all leader election needs.",
  LOCAL_MODE:
    'It acknowledges unauthenticated local mode (no MicrosoftAppId) with real credentials, for a developer machine; the Azure deployment always sets MicrosoftAppId, and an Azure deployment must never run unauthenticated.',
  ALERT_CLUSTER_NAME:
    'It names the single kubeconfig cluster; in Azure the clusters come from the cluster file (pulldoctorConfig), and alerts use the names given there.',
};

/**
 * Set by the templates ahead of the code: keys of configuration sections being written on other branches, with the
 * branch. When a section is merged its keys join CONFIG_KEYS and the test asks for them to be removed from here.
 */
export const PENDING_KEYS: Readonly<Record<string, string>> = {};
