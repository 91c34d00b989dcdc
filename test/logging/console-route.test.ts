import assert from 'node:assert/strict';
import { createLogger, memorySink, routeConsole } from '../../src/logging/index.js';

describe("routing libraries' console output to the logger", () => {
  it('turns each console call into one debug line: the first line of the output, bounded, redacted, never a stack', () => {
    const sink = memorySink();
    const restore = routeConsole(createLogger({ sink, level: 'debug' }));
    try {
      const expired = Object.assign(new Error('jwt expired'), { name: 'TokenExpiredError' });
      console.error(expired);
      console.error(`Error finding key for token. Available keys: ${'-----BEGIN PUBLIC KEY-----\nMIIBIjANBg'.padEnd(2000, 'A')}`);
      console.warn('BadRequest: Missing activity or activity type.');
      console.log('token %s', 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl');
    } finally {
      restore();
    }
    assert.deepEqual(
      sink.records.map((r) => [r.level, r.source, r.method, r.text]),
      [
        ['debug', 'console', 'error', 'TokenExpiredError: jwt expired'],
        ['debug', 'console', 'error', 'Error finding key for token. Available keys: -----BEGIN PUBLIC KEY-----'],
        ['debug', 'console', 'warn', 'BadRequest: Missing activity or activity type.'],
        ['debug', 'console', 'log', 'token Bearer [redacted]'],
      ],
    );
    assert.ok(!JSON.stringify(sink.records).includes('    at '), 'no stack trace');
  });

  it('keeps a flood of console output to a few lines, and puts the console back', () => {
    const sink = memorySink();
    const original = console.error;
    const restore = routeConsole(createLogger({ sink, level: 'debug' }));
    try {
      for (let i = 0; i < 12_000; i++) console.error(new Error('invalid signature'));
    } finally {
      restore();
    }
    assert.equal(console.error, original);
    assert.equal(sink.records.length, 20);
  });

  it('writes nothing at the default level: the endpoint logs each refusal itself, with the reason', () => {
    const sink = memorySink();
    const restore = routeConsole(createLogger({ sink }));
    try {
      console.error(new Error('invalid signature'));
    } finally {
      restore();
    }
    assert.deepEqual(sink.records, []);
  });
});
