/**
 * The image reference grammar of github.com/distribution/reference v0.6.0 (regexp.go), the library that the
 * kubelet (pkg/util/parsers) and containerd use to parse `image:` fields. Each constant mirrors the Go constant
 * of the same name, built the same way, so the regular expressions accept exactly the same strings.
 *
 * Go's RE2 and JavaScript agree on every construct used here: `\w` is ASCII-only in both (no `u` flag),
 * `[[:xdigit:]]` is written `[0-9A-Fa-f]`, and `^`/`$` anchor at the ends of the whole input (no `m` flag).
 * None of the patterns can backtrack catastrophically: every repetition is separated by a mandatory delimiter.
 *
 *   reference        := name [ ":" tag ] [ "@" digest ]
 *   name             := [domain '/'] remote-name
 *   domain           := host [':' port-number]
 *   host             := domain-name | IPv4address | \[ IPv6address \]
 *   domain-name      := domain-component ['.' domain-component]*
 *   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
 *   port-number      := /[0-9]+/
 *   path-component   := alpha-numeric [separator alpha-numeric]*
 *   remote-name      := path-component ['/' path-component]*
 *   alpha-numeric    := /[a-z0-9]+/
 *   separator        := /[_.]|__|[-]+/
 *   tag              := /[\w][\w.-]{0,127}/
 *   digest           := algorithm ":" hex (at least 32 hex digits; go-digest validates further)
 */

const optional = (...parts: string[]): string => `(?:${parts.join('')})?`;
const anyTimes = (...parts: string[]): string => `(?:${parts.join('')})*`;
const capture = (...parts: string[]): string => `(${parts.join('')})`;
const anchored = (...parts: string[]): string => `^${parts.join('')}$`;

const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const optionalPort = '(?::[0-9]+)?';
const tag = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const identifier = '([a-f0-9]{64})';
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainName = domainNameComponent + anyTimes('\\.', domainNameComponent);
const host = `(?:${domainName}|${ipv6address})`;
const domainAndPort = host + optionalPort;

const pathComponent = alphanumeric + anyTimes(separator + alphanumeric);
const remoteName = pathComponent + anyTimes('/', pathComponent);
const namePattern = optional(domainAndPort, '/') + remoteName;

/** `^(name)(?::(tag))?(?:@(digest))?$` — groups 1, 2, 3. */
export const REFERENCE_REGEXP = new RegExp(
  anchored(capture(namePattern), optional(':', capture(tag)), optional('@', capture(digestPattern))),
);

/** `^(?:(domain)/)?(remote-name)$` — splits a name into its domain (group 1, may be absent) and path (group 2). */
export const ANCHORED_NAME_REGEXP = new RegExp(anchored(optional(capture(domainAndPort), '/'), capture(remoteName)));

/** A bare 64-hex-digit identifier, which `ParseNormalizedNamed` refuses as a repository name. */
export const ANCHORED_IDENTIFIER_REGEXP = new RegExp(anchored(identifier));

/** The longest repository path (domain excluded) that `Parse` accepts; distribution/reference#9 (v0.6.0). */
export const REPOSITORY_NAME_TOTAL_LENGTH_MAX = 255;

/** The error texts of reference.go and normalize.go, verbatim. */
export const REFERENCE_ERRORS = {
  invalidFormat: 'invalid reference format',
  nameContainsUppercase: 'repository name must be lowercase',
  nameEmpty: 'repository name must have at least one component',
  nameTooLong: `repository name must not be more than ${REPOSITORY_NAME_TOTAL_LENGTH_MAX} characters`,
} as const;
