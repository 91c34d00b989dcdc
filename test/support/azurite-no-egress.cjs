// Preloaded into the Azurite process the tests start (`node -r`), so that it can never phone home:
// - every outgoing TCP/TLS connection to anything but a loopback address is refused, and reported on stderr
//   as `azurite-no-egress: blocked ...` (the test helper fails the run when it sees that line);
// - DNS look-ups of anything but localhost are refused the same way;
// - the process exits when the test process that started it goes away, so no Azurite outlives a test run.
'use strict';
const net = require('node:net');
const tls = require('node:tls');
const dns = require('node:dns');

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+|localhost)$/i;

function report(what) {
  process.stderr.write(`azurite-no-egress: blocked ${what}\n`);
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(...args) {
  const first = args[0];
  const options = Array.isArray(first) ? first[0] : first;
  let host;
  let path;
  if (options !== null && typeof options === 'object') {
    host = options.host;
    path = options.path;
  } else if (typeof first === 'string' && !/^\d+$/.test(first)) {
    path = first;
  } else {
    host = typeof args[1] === 'string' ? args[1] : undefined;
  }
  if (path == null && !LOOPBACK.test(host ?? 'localhost')) {
    report(`a connection to ${host}`);
    const socket = this;
    process.nextTick(() => socket.destroy(new Error(`azurite-no-egress: connection to ${host} refused`)));
    return socket;
  }
  return originalConnect.apply(this, args);
};

// tls.connect does not go through net.Socket.prototype.connect for its own socket: guard it too.
const originalTlsConnect = tls.connect;
tls.connect = function connect(...args) {
  const options = args.find((a) => a !== null && typeof a === 'object') ?? {};
  const host = options.host ?? (typeof args[1] === 'string' ? args[1] : undefined) ?? 'localhost';
  if (options.socket == null && options.path == null && !LOOPBACK.test(host)) {
    report(`a TLS connection to ${host}`);
    const socket = new net.Socket();
    process.nextTick(() => socket.destroy(new Error(`azurite-no-egress: TLS connection to ${host} refused`)));
    return socket;
  }
  return originalTlsConnect.apply(this, args);
};

function guardLookup(original) {
  return function lookup(hostname, ...rest) {
    if (!LOOPBACK.test(String(hostname))) {
      report(`a DNS look-up of ${hostname}`);
      const callback = rest.find((r) => typeof r === 'function');
      const error = Object.assign(new Error(`azurite-no-egress: look-up of ${hostname} refused`), { code: 'ENOTFOUND' });
      if (callback) process.nextTick(() => callback(error));
      return undefined;
    }
    return original.call(this, hostname, ...rest);
  };
}
dns.lookup = guardLookup(dns.lookup);
const originalPromisesLookup = dns.promises.lookup;
dns.promises.lookup = async function lookup(hostname, ...rest) {
  if (!LOOPBACK.test(String(hostname))) {
    report(`a DNS look-up of ${hostname}`);
    throw Object.assign(new Error(`azurite-no-egress: look-up of ${hostname} refused`), { code: 'ENOTFOUND' });
  }
  return originalPromisesLookup.call(this, hostname, ...rest);
};

const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 500).unref();
