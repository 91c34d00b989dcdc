import { redactText } from '../../logging/redact.js';
import type { RegistryErrorSummary } from './registry-client.js';

const MAX_ENTRIES = 10;
const MAX_CODE = 64;
const MAX_MESSAGE = 300;

/**
 * Summarises an error body from a registry or its token endpoint. Understands the distribution format
 * `{"errors":[{"code","message","detail"}]}`, OAuth2 `{"error","error_description"}` and Docker Hub's token
 * endpoint `{"details":"..."}`. Anything else (HTML, truncated or hostile JSON) yields `[]`. Details are dropped,
 * entries capped, strings truncated and scrubbed of anything that looks like a credential.
 */
export function parseRegistryErrors(body: string): RegistryErrorSummary[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  if (!isRecord(parsed)) return [];
  if (Array.isArray(parsed.errors)) {
    return parsed.errors
      .filter(isRecord)
      .slice(0, MAX_ENTRIES)
      .map((e) => summary(typeof e.code === 'string' ? e.code : 'UNKNOWN', typeof e.message === 'string' ? e.message : ''));
  }
  if (typeof parsed.error === 'string') {
    return [summary(parsed.error, typeof parsed.error_description === 'string' ? parsed.error_description : '')];
  }
  if (typeof parsed.details === 'string') return [summary('UNKNOWN', parsed.details)];
  return [];
}

function summary(code: string, message: string): RegistryErrorSummary {
  return { code: clip(redactText(code), MAX_CODE), message: clip(redactText(message), MAX_MESSAGE) };
}

function clip(text: string, max: number): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
