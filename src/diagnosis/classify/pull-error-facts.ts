import { boundMessage } from './bounded-message.js';

/** What a runtime message says about the failed pull, when it says it. */
export interface PullErrorFacts {
  /** The image as the kubelet quotes it, e.g. from `Failed to pull image "…"`. */
  image?: string;
  /** The registry API URL the runtime quotes (query values other than `scope`/`service` redacted). */
  url?: string;
  /** The registry host: from the URL, the host the runtime names (DNS lookup, containerd, CRI-O), or the image reference. Lower case. */
  host?: string;
  /** The HTTP status the registry answered with, when the runtime quotes one. */
  httpStatus?: number;
}

// Where the kubelet (and CRI-O) quote the image. Bounded repetitions only.
const QUOTED_IMAGE = [
  /\bfailed to pull image "([^"\s]{1,1000})"/i,
  /\bpulling image "([^"\s]{1,1000})"/i,
  /\bcontainer image "([^"\s]{1,1000})" is not present/i,
  /\bfailed to apply default image tag "([^"\s]{1,1000})"/i,
  /\bfailed to inspect image "([^"\s]{1,1000})"/i,
  /\bfailed to pull and unpack image "([^"\s]{1,1000})"/i,
  /\bfailed to resolve reference "([^"\s]{1,1000})"/i,
];

const URL_PATTERN = /\bhttps?:\/\/[^\s"'<>()[\]{},\\]{1,2048}/gi;
const MAX_URLS = 32;
/** Paths of the registry API (distribution spec v2, old v1, token endpoints), as opposed to documentation links. */
const REGISTRY_PATH = /\/(?:v2|v1|oauth2|token|service\/token)(?:\/|\?|$)/i;
const KEPT_QUERY_KEYS = new Set(['scope', 'service']);

/** Where runtimes name the registry host without a URL: DNS lookups, containerd 2.x, CRI-O. */
const QUOTED_HOST = [
  /\blookup ([a-z0-9][a-z0-9.-]{0,252})(?: on [^\s:]{1,64}:53)?:/i,
  /\bpulling from host ([a-z0-9][a-z0-9.-]{0,252})/i,
  /\bpinging (?:container|docker) registry ([a-z0-9][a-z0-9.-]{0,252})/i,
  /\breading manifest [^\s]{1,300} in ([a-z0-9][a-z0-9.-]{0,252})(?::\d{1,5})?\//i,
];
const HOST_NAME = /^(?:[a-z0-9][a-z0-9.-]{0,252}|\[[0-9a-f:.]{2,45}\])$/;

const STATUS_PATTERNS = [
  /\b([1-5]\d\d) (?:unauthorized|forbidden|not found|too many requests|service unavailable|bad gateway|internal server error|bad request|gateway timeout|method not allowed|conflict)\b/i,
  /\bstatus(?: code)?[ :=]{1,3}([1-5]\d\d)\b/i,
  /\(http code ([1-5]\d\d)\)/i,
  /\bhttp ([1-5]\d\d) response\b/i,
  /\bremote response: ([1-5]\d\d)\b/i,
];

function firstImage(text: string): string | undefined {
  for (const pattern of QUOTED_IMAGE) {
    const image = pattern.exec(text)?.[1];
    if (image) return image;
  }
  return undefined;
}

/** Drops user info and every query value except `scope` and `service`: blob URLs carry signatures. */
function redactUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.replace(/[.:;]{1,8}$/, ''));
  } catch {
    return undefined;
  }
  if (url.hostname === '') return undefined;
  url.username = '';
  url.password = '';
  const hidden = [...url.searchParams.keys()].filter((key) => !KEPT_QUERY_KEYS.has(key.toLowerCase()));
  for (const key of hidden) url.searchParams.set(key, 'redacted');
  return url.toString();
}

function registryUrl(text: string): string | undefined {
  const candidates = (text.match(URL_PATTERN) ?? []).slice(0, MAX_URLS);
  // Only registry API URLs: a documentation link (aka.ms/acr/…, docs.docker.com) names no registry.
  const chosen = candidates.find((candidate) => REGISTRY_PATH.test(candidate));
  return chosen === undefined ? undefined : redactUrl(chosen);
}

/** The registry host of an image reference, if it names one (`host.tld/…`, `host:port/…`, `localhost/…`). */
function imageRegistryHost(image: string): string | undefined {
  const slash = image.indexOf('/');
  if (slash <= 0) return undefined;
  const first = image.slice(0, slash);
  if (!(first.includes('.') || first.includes(':') || first === 'localhost')) return undefined;
  return first.replace(/:\d{1,5}$/, '').toLowerCase();
}

function validHost(host: string | undefined): string | undefined {
  return host !== undefined && HOST_NAME.test(host) ? host : undefined;
}

function quotedHost(text: string): string | undefined {
  for (const pattern of QUOTED_HOST) {
    const host = validHost(
      pattern
        .exec(text)?.[1]
        ?.toLowerCase()
        .replace(/[.:]+$/, ''),
    );
    if (host !== undefined) return host;
  }
  return undefined;
}

function httpStatus(text: string): number | undefined {
  for (const pattern of STATUS_PATTERNS) {
    const code = pattern.exec(text)?.[1];
    if (code) return Number(code);
  }
  return undefined;
}

/**
 * The image, registry URL, host and HTTP status a runtime message quotes. Reads the same first 8 KiB as
 * `classifyPullError`; every field is optional and absent when the message does not state it.
 */
export function extractPullErrorFacts(message: string): PullErrorFacts {
  const text = boundMessage(message);
  const facts: PullErrorFacts = {};
  if (text === '') return facts;

  const image = firstImage(text);
  if (image !== undefined) facts.image = image;

  const url = registryUrl(text);
  if (url !== undefined) facts.url = url;

  const host =
    validHost(url === undefined ? undefined : new URL(url).hostname.toLowerCase()) ??
    quotedHost(text) ??
    validHost(image === undefined ? undefined : imageRegistryHost(image));
  if (host !== undefined) facts.host = host;

  const status = httpStatus(text);
  if (status !== undefined) facts.httpStatus = status;
  return facts;
}
