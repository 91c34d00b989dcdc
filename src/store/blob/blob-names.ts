/**
 * Blob names of the store's layout, inside one container:
 *
 *   <collection>/<encoded id>.json            one document
 *   audit/<YYYY-MM-DD>/<at>-<random>.json     one audit record
 *
 * Ids are encoded byte by byte: ASCII letters, digits, `_` and `-` stay, every other UTF-8 byte becomes `%XX`
 * (upper-case hex). So an id can never contain `/` or `.` in its blob name: `../x`, `a/b` or `%2e%2e` cannot
 * leave their collection or collide with another id. The encoding keeps prefixes (the encoding of a prefix is
 * a prefix of the encoding), which lets `list` filter on the server; it does not keep the order, so lists are
 * sorted after decoding.
 *
 * Audit records get a folder per UTC day so that `since` lists only the days from `since` on (one listing of
 * the day folders, then the days themselves), not the whole history. Within a day, names sort by `at`
 * (fixed-width ISO text), and the random suffix keeps records of the same millisecond apart.
 */

const KEPT_BYTE = /^[A-Za-z0-9_-]$/;
const ENCODED_ID = /^(?:[A-Za-z0-9_-]|%[0-9A-F]{2})+$/;
const DOCUMENT_SUFFIX = '.json';
export const AUDIT_FOLDER = 'audit/';

export function encodeId(id: string): string {
  let out = '';
  for (const byte of Buffer.from(id, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && KEPT_BYTE.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The id an encoded name stands for, or undefined if it is not exactly what `encodeId` writes. */
export function decodeId(encoded: string): string | undefined {
  if (!ENCODED_ID.test(encoded)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    if (encoded[i] === '%') {
      bytes.push(parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(encoded.charCodeAt(i));
    }
  }
  let id: string;
  try {
    id = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
  return encodeId(id) === encoded ? id : undefined;
}

export function documentBlobName(collection: string, id: string): string {
  return `${collection}/${encodeId(id)}${DOCUMENT_SUFFIX}`;
}

/** The name prefix of a collection's documents whose ids start with `idPrefix`. */
export function documentNamePrefix(collection: string, idPrefix = ''): string {
  return `${collection}/${encodeId(idPrefix)}`;
}

/** The id of a document blob listed under `<collection>/`, or undefined for a blob this layout did not write. */
export function idFromDocumentBlobName(collection: string, name: string): string | undefined {
  const folder = `${collection}/`;
  if (!name.startsWith(folder) || !name.endsWith(DOCUMENT_SUFFIX)) return undefined;
  return decodeId(name.slice(folder.length, -DOCUMENT_SUFFIX.length));
}

/** `at` is canonical (checked before): `2025-01-31T09:15:00.000Z`; `random` is lower-case hex. */
export function auditBlobName(at: string, random: string): string {
  return `${auditDayFolder(at.slice(0, 10))}${at}-${random}${DOCUMENT_SUFFIX}`;
}

export function auditDayFolder(day: string): string {
  return `${AUDIT_FOLDER}${day}/`;
}

/** The day of a folder listed under `audit/` (`audit/2025-01-31/`), or undefined for anything else. */
export function dayOfAuditFolder(folder: string): string | undefined {
  const match = /^audit\/(\d{4}-\d{2}-\d{2})\/$/.exec(folder);
  return match?.[1];
}
