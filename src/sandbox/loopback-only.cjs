// Preloaded (`node --require`) into third-party processes we start for tests and for `npm start` (the Microsoft
// 365 Agents Playground): keeps them on this machine.
//  - every server listens on 127.0.0.1 only (the Playground binds all interfaces by default);
//  - every outbound TCP/TLS connection to anything but a loopback address or `localhost` is refused (the Playground
//    sends Application Insights telemetry even with --disable-telemetry), and DNS look-ups of other names fail
//    with ENOTFOUND, so a library sees an ordinary network error instead of reaching the internet.
// Refusals are reported on stderr, one line per destination, prefixed "[loopback-only]".
'use strict';

const net = require('node:net');
const dns = require('node:dns');

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.', 'ip6-localhost']);
const reported = new Set();

function isLoopbackAddress(host) {
  const h = String(host)
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || /^::ffff:127\./.test(h) || h === '0:0:0:0:0:0:0:1';
  return false;
}

function isLoopbackHost(host) {
  if (host === undefined || host === null || host === '') return true; // Node defaults to localhost
  const h = String(host).toLowerCase();
  return LOOPBACK_NAMES.has(h) || h.endsWith('.localhost') || isLoopbackAddress(h);
}

function report(what) {
  if (reported.has(what)) return;
  reported.add(what);
  process.stderr.write(`[loopback-only] refused ${what}\n`);
}

function refusal(code, what) {
  const error = new Error(`${code}: ${what} refused: this process may only reach loopback addresses`);
  error.code = code;
  return error;
}

// --- servers: bind 127.0.0.1 ---------------------------------------------------------------------------------
const originalListen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  const first = args[0];
  if (first !== null && typeof first === 'object' && !('_handle' in first) && !('fd' in first)) {
    if (typeof first.path !== 'string') args[0] = { ...first, host: '127.0.0.1' };
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof args[1] === 'string' || args[1] === null || args[1] === undefined) {
      if (args.length >= 2) args[1] = '127.0.0.1';
      else args.push('127.0.0.1');
    } else {
      args.splice(1, 0, '127.0.0.1');
    }
  } else if (first === undefined || typeof first === 'function') {
    args.unshift(0, '127.0.0.1');
  }
  return originalListen.apply(this, args);
};

// --- outbound connections: loopback only -----------------------------------------------------------------
const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connectToLoopbackOnly(...args) {
  let options = args[0];
  if (Array.isArray(options)) options = options[0]; // internal normalized form: [options, callback]
  let host;
  let port;
  if (options !== null && typeof options === 'object') {
    if (typeof options.path === 'string') return originalConnect.apply(this, args); // a unix socket or pipe
    host = options.host ?? options.hostname;
    port = options.port;
  } else if (typeof options === 'string' && !/^\d+$/.test(options)) {
    return originalConnect.apply(this, args); // a unix socket path
  } else {
    port = options;
    host = typeof args[1] === 'string' ? args[1] : undefined;
  }
  if (isLoopbackHost(host)) return originalConnect.apply(this, args);
  const what = `connection to ${host}:${port}`;
  report(what);
  const socket = this;
  process.nextTick(() => socket.destroy(refusal('ECONNREFUSED', what)));
  return socket;
};

// --- DNS: only loopback names resolve ------------------------------------------------------------------------
function notFound(hostname) {
  const error = refusal('ENOTFOUND', `DNS look-up of ${hostname}`);
  error.hostname = hostname;
  error.syscall = 'getaddrinfo';
  return error;
}

const originalLookup = dns.lookup;
dns.lookup = function lookupLoopbackOnly(hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  if (isLoopbackHost(hostname)) return originalLookup.call(this, hostname, options, callback);
  report(`DNS look-up of ${hostname}`);
  process.nextTick(() => cb(notFound(hostname)));
  return {};
};

const originalPromisesLookup = dns.promises.lookup;
dns.promises.lookup = async function lookupLoopbackOnlyAsync(hostname, options) {
  if (isLoopbackHost(hostname)) return originalPromisesLookup.call(this, hostname, options);
  report(`DNS look-up of ${hostname}`);
  throw notFound(hostname);
};

for (const name of ['resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveSrv', 'resolveTxt']) {
  const original = dns[name];
  if (typeof original !== 'function') continue;
  dns[name] = function resolveLoopbackOnly(hostname, ...rest) {
    const cb = rest[rest.length - 1];
    if (isLoopbackHost(hostname)) return original.call(this, hostname, ...rest);
    report(`DNS look-up of ${hostname}`);
    process.nextTick(() => cb(notFound(hostname)));
    return undefined;
  };
}
