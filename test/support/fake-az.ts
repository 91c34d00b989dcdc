import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A stand-in `az` executable that answers `az account get-access-token` like Azure CLI does, so that
 * @azure/identity's AzureCliCredential can be exercised for real with PATH pointing at it.
 *
 * What AzureCliCredential 4.13.1 runs (dist/esm/credentials/azureCliCredential.js): through a shell, in /bin,
 * `az account get-access-token --output json --resource {scope without /.default} [--tenant {id}]
 * [--subscription "{id}"]`; it parses stdout as JSON and reads `accessToken` and `expires_on` (epoch seconds,
 * Azure CLI >= 2.54) or else `expiresOn` (local time "YYYY-MM-DD HH:MM:SS.ffffff"). A stderr containing
 * "az login" means "not logged in". `--scope` (what newer tools pass) is accepted too.
 *
 * The token is JWT-shaped (aud, tid, oid, exp claims) with a dummy signature: nothing verifies it.
 */
export interface FakeAzOptions {
  /** Directory the `az` script is written to: put it first on PATH. */
  directory: string;
  tenantId: string;
  subscriptionId?: string;
  /** Object id of the signed-in identity (`oid` claim). */
  objectId?: string;
  /** When false, `az` answers like a CLI that has never been logged in. */
  loggedIn?: boolean;
  expiresInSeconds?: number;
  /** The node binary for the shebang; the current one by default. */
  nodePath?: string;
}

export interface FakeAz {
  binDirectory: string;
  /** JSON lines, one argv array per invocation. */
  invocationsFile: string;
  invocations(): Promise<string[][]>;
}

const SCRIPT = String.raw`
const config = __CONFIG__;
const args = process.argv.slice(2);
import('node:fs').then((fs) => {
  fs.appendFileSync(config.invocationsFile, JSON.stringify(args) + '\n');
  const option = (name) => {
    const i = args.indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : undefined;
  };
  if (args[0] !== 'account' || args[1] !== 'get-access-token') {
    process.stderr.write("ERROR: '" + args.join(' ') + "' is misspelled or not recognized by the system.\n");
    process.exit(2);
  }
  if (!config.loggedIn) {
    process.stderr.write("ERROR: Please run 'az login' to setup account.\n");
    process.exit(1);
  }
  const scope = option('--scope');
  const resource = option('--resource') ?? (scope ? scope.replace(/\/\.default$/, '') : 'https://management.core.windows.net/');
  const tenant = option('--tenant') ?? config.tenantId;
  const now = Math.floor(Date.now() / 1000);
  const exp = now + config.expiresInSeconds;
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = { aud: resource, iss: 'https://sts.windows.net/' + tenant + '/', iat: now, nbf: now, exp, oid: config.objectId, tid: tenant, ver: '1.0' };
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  const d = new Date(exp * 1000);
  const expiresOn = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.000000';
  const answer = {
    accessToken: b64({ typ: 'JWT', alg: 'RS256', kid: 'fake' }) + '.' + b64(claims) + '.ZmFrZS1zaWduYXR1cmU',
    expiresOn,
    expires_on: exp,
    subscription: (option('--subscription') ?? config.subscriptionId ?? '').replace(/^"|"$/g, ''),
    tenant,
    tokenType: 'Bearer',
  };
  process.stdout.write(JSON.stringify(answer, null, 2) + '\n');
});
`;

export async function writeFakeAz(options: FakeAzOptions): Promise<FakeAz> {
  await mkdir(options.directory, { recursive: true });
  const invocationsFile = join(options.directory, 'az-invocations.jsonl');
  await writeFile(invocationsFile, '');
  const config = {
    invocationsFile,
    tenantId: options.tenantId,
    subscriptionId: options.subscriptionId,
    objectId: options.objectId ?? '00000000-0000-0000-0000-000000000000',
    loggedIn: options.loggedIn ?? true,
    expiresInSeconds: options.expiresInSeconds ?? 3600,
  };
  const script = `#!${options.nodePath ?? process.execPath}\n${SCRIPT.replace('__CONFIG__', JSON.stringify(config))}`;
  const path = join(options.directory, 'az');
  await writeFile(path, script);
  await chmod(path, 0o755);
  return {
    binDirectory: options.directory,
    invocationsFile,
    async invocations() {
      const text = await readFile(invocationsFile, 'utf8');
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as string[]);
    },
  };
}
