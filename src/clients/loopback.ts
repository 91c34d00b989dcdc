/**
 * True for an http(s) URL on this machine: `localhost`, an IPv4 loopback address (127.0.0.0/8, in any form the URL
 * parser accepts) or `[::1]`, on any port. Anything else, a non-string included, is false.
 *
 * The one loopback check: the bot in local mode answers only activities whose serviceUrl is on this machine (the
 * Agents Playground), and the store treats a connection string to a loopback Blob endpoint (Azurite) as
 * development.
 */
export function isLoopbackUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return url.hostname === 'localhost' || url.hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(url.hostname);
}
