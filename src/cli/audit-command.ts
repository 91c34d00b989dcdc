import { parseArgs } from 'node:util';
import { createAzureCredential } from '../clients/azure/create-azure-credential.js';
import { parseConfig, parseDurationMs } from '../config/index.js';
import { PullDoctorError } from '../errors/index.js';
import { createLogger, streamSink } from '../logging/index.js';
import { createStore, type AuditRecord } from '../store/index.js';
import { EXIT, write, type CliIo } from './io.js';
import { printable } from './render-text-report.js';

export const AUDIT_USAGE = `Usage: pulldoctor audit [--since DURATION] [--output text|json]

Lists the audit log, oldest first: fix requests, approvals, rejections, refusals (with their reason), executions
and their outcomes — who did what to which principal, registry, role, cluster and pod, and how it ended.

      --since   only records from the last DURATION (90m, 24h, 7d) or since an ISO time (default: all)
  -o, --output  text (default) or json

Environment: STORE_KIND, STORE_SQLITE_PATH, STORE_BLOB_ACCOUNT_URL (with AZURE_CREDENTIAL), STORE_BLOB_CONTAINER,
STORE_BLOB_CONNECTION_STRING, LOG_LEVEL.`;

function sinceTime(value: string, now: Date): string {
  const ms = parseDurationMs(value);
  if (ms !== undefined) return new Date(now.getTime() - ms).toISOString();
  const parsed = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(parsed))
    throw new PullDoctorError('INVALID_INPUT', `--since must be a duration like 90m, 24h or 7d, or an ISO time (got "${value}").`);
  return new Date(parsed).toISOString();
}

function targetText(target: Record<string, string> | undefined): string {
  if (!target) return '';
  const parts: string[] = [];
  if (target.fixRequestId) parts.push(`request ${target.fixRequestId}`);
  if (target.role && target.scope) parts.push(`${target.role} on ${target.scope.split('/').pop()} for ${target.principalId ?? '?'}`);
  const where = [
    target.cluster ?? target.clusterResourceId?.split('/').pop(),
    target.namespace && target.pod ? `${target.namespace}/${target.pod}` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  if (where) parts.push(`(${where})`);
  return parts.join(' ');
}

export function renderAuditText(records: readonly AuditRecord[]): string {
  return records
    .map((r) => {
      const actor = r.actor ? `${r.actor.name ?? r.actor.id} <${r.actor.id}>` : 'pulldoctor';
      const line = `${r.at}  ${r.action.padEnd(21)}  ${r.result.padEnd(13)}  ${actor}  ${targetText(r.target)}`.trimEnd();
      return printable(line) + (r.reason ? `\n    ${printable(r.reason.replace(/\n/g, ' '))}` : '');
    })
    .join('\n');
}

export async function runAudit(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { since: { type: 'string' }, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    write(io.stdout, AUDIT_USAGE);
    return EXIT.ok;
  }
  if (positionals.length > 0)
    throw new PullDoctorError('INVALID_INPUT', `audit takes no arguments (got ${positionals.join(' ')}).`, { advice: AUDIT_USAGE });
  const output = values.output ?? 'text';
  if (output !== 'text' && output !== 'json')
    throw new PullDoctorError('INVALID_INPUT', `--output must be text or json (got "${output}").`);
  const since = values.since === undefined ? undefined : sinceTime(values.since, new Date());

  const config = parseConfig(io.env);
  const log = createLogger({ level: config.logging.level === 'info' ? 'warn' : config.logging.level, sink: streamSink(io.stderr) }).child({
    command: 'audit',
  });
  // Only an account URL needs a credential: a store on SQLite or with a connection string never builds one.
  const needsCredential = config.store.kind === 'azure-blob' && config.store.accountUrl !== undefined;
  const credential =
    io.overrides?.azureCredential !== undefined
      ? io.overrides.azureCredential
      : needsCredential
        ? createAzureCredential(config.azure)
        : null;
  const store = await createStore(config.store, { log, credential: credential ?? undefined });
  let records: AuditRecord[];
  try {
    records = await store.audit.list(since === undefined ? {} : { since });
  } finally {
    await store.close();
  }
  if (output === 'json') write(io.stdout, JSON.stringify(records, null, 2));
  else write(io.stdout, records.length > 0 ? renderAuditText(records) : `No audit records${since ? ` since ${since}` : ''}.`);
  return EXIT.ok;
}
