/**
 * One "replica" for the multi-process SQLite test (sqlite-store.test.ts), run as its own Node process:
 *   node --import tsx test/store/sqlite/sqlite-replica-process.ts <database file> <name> <requests> <increments>
 * It opens the shared file, reads the etags of the pending fix requests, says `ready`, waits for `go` on stdin,
 * then races the other replicas: one compare-and-swap per request from that read, then `increments`
 * read-modify-write increments of a shared counter. It prints one JSON line with what it won.
 */
import { createInterface } from 'node:readline';
import { isPullDoctorError } from '../../../src/errors/index.js';
import { silentLogger } from '../../../src/logging/index.js';
import { openSqliteStore, updateWithRetry } from '../../../src/store/index.js';

const [path, name, requestCount, incrementCount] = process.argv.slice(2);
const store = await openSqliteStore({ path: path!, log: silentLogger(), busyTimeoutMs: 10_000 });
const etags: string[] = [];
for (let i = 0; i < Number(requestCount); i++) {
  const current = await store.documents.get('fix-requests', `fr-${i}`);
  if (current === null) throw new Error(`fr-${i} is missing`);
  etags.push(current.etag);
}
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line === 'go') break;
lines.close();

const won: string[] = [];
for (const [i, etag] of etags.entries()) {
  try {
    await store.documents.replace('fix-requests', `fr-${i}`, { status: 'approved', approvedBy: name }, etag);
    won.push(`fr-${i}`);
  } catch (error) {
    if (!isPullDoctorError(error) || error.code !== 'STORE_CONFLICT') throw error;
  }
}
let increments = 0;
for (let i = 0; i < Number(incrementCount); i++) {
  const result = await updateWithRetry<{ count: number }>(store.documents, 'counters', 'shared', (c) => ({ count: (c?.count ?? 0) + 1 }), {
    attempts: 1000,
    backoffMs: 1,
  });
  if (result?.changed) increments++;
}
await store.close();
process.stdout.write(`${JSON.stringify({ name, won, increments })}\n`);
