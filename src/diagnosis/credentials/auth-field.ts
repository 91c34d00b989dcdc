/**
 * The `auth` field of a docker config entry, decoded as the kubelet decodes it
 * (pkg/credentialprovider/config.go `decodeDockerConfigFieldAuth`): standard base64 when the trimmed value ends
 * with `=`, unpadded base64 otherwise, then split at the first `:` into username and password.
 */
import { decodeGoBase64 } from './go-base64.js';

export type AuthFieldDecode =
  | { ok: true; username: string; password: string }
  | { ok: false; reason: 'not-base64'; offset: number; kubeletError: string }
  | { ok: false; reason: 'no-colon'; kubeletError: string };

/** Go's `strings.TrimSpace` at the end of a string: Unicode White_Space, which is not quite JavaScript's set. */
const GO_TRAILING_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/u;

export function decodeAuthField(field: string): AuthFieldDecode {
  const padded = field.replace(GO_TRAILING_SPACE, '').endsWith('=');
  const decoded = decodeGoBase64(field, padded);
  if (!decoded.ok) {
    return { ok: false, reason: 'not-base64', offset: decoded.offset, kubeletError: `illegal base64 data at input byte ${decoded.offset}` };
  }
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(decoded.bytes);
  const colon = text.indexOf(':');
  if (colon === -1) {
    return { ok: false, reason: 'no-colon', kubeletError: 'unable to parse auth field, must be formatted as base64(username:password)' };
  }
  return { ok: true, username: text.slice(0, colon), password: text.slice(colon + 1) };
}
