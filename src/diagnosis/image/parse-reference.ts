import { digestError } from './digest.js';
import { goToLower } from './go-lowercase.js';
import {
  ANCHORED_NAME_REGEXP,
  REFERENCE_ERRORS,
  REFERENCE_REGEXP,
  REPOSITORY_NAME_TOTAL_LENGTH_MAX,
} from './reference-grammar.js';

/** What distribution/reference `Parse` returns for a syntactically valid reference. */
export interface SyntacticReference {
  /** Domain as matched by the name regexp; empty when the name has none. */
  domain: string;
  path: string;
  tag?: string;
  digest?: string;
}

export type SyntacticParse = { ok: true; ref: SyntacticReference } | { ok: false; reason: string };

/**
 * distribution/reference v0.6.0 `Parse` (reference.go): no normalization, no defaults. Error texts are the
 * library's own, in the same order of checks.
 */
export function parseReferenceSyntax(text: string): SyntacticParse {
  if (text === '') return { ok: false, reason: REFERENCE_ERRORS.nameEmpty };

  const matches = REFERENCE_REGEXP.exec(text);
  if (matches === null) {
    const lower = goToLower(text);
    if (lower !== text && REFERENCE_REGEXP.test(lower)) {
      // It would parse once lowercased: the input holds an invalid (uppercase) repository name.
      return { ok: false, reason: REFERENCE_ERRORS.nameContainsUppercase };
    }
    return { ok: false, reason: REFERENCE_ERRORS.invalidFormat };
  }

  const name = matches[1] ?? '';
  const nameMatch = ANCHORED_NAME_REGEXP.exec(name);
  const domain = nameMatch?.[1] ?? '';
  const path = nameMatch ? (nameMatch[2] ?? '') : name;
  if (path.length > REPOSITORY_NAME_TOTAL_LENGTH_MAX) return { ok: false, reason: REFERENCE_ERRORS.nameTooLong };

  const ref: SyntacticReference = { domain, path };
  const tag = matches[2];
  if (tag !== undefined && tag !== '') ref.tag = tag;
  const digest = matches[3];
  if (digest !== undefined && digest !== '') {
    const error = digestError(digest);
    if (error !== undefined) return { ok: false, reason: error };
    ref.digest = digest;
  }
  return { ok: true, ref };
}
