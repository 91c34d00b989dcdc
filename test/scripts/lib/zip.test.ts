import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { zip } from '../../../scripts/lib/zip.js';
import { readZip } from '../../support/zip-reader.js';

describe('the zip writer', () => {
  it('writes an archive a ZIP reader can open, with each file intact', () => {
    const files = [
      { name: 'manifest.json', data: Buffer.from('{"manifestVersion":"1.30"}\n') },
      { name: 'color.png', data: randomBytes(5000) },
      { name: 'notes/ünïcode.txt', data: Buffer.from('x'.repeat(10_000)) },
      { name: 'empty', data: Buffer.alloc(0) },
    ];
    const read = readZip(zip(files));
    assert.deepEqual(
      [...read.keys()],
      files.map((f) => f.name),
    );
    for (const f of files) assert.ok(read.get(f.name)!.equals(f.data), f.name);
  });

  it('gives the same bytes for the same files (a fixed timestamp)', () => {
    const files = [{ name: 'a.txt', data: Buffer.from('a') }];
    assert.ok(zip(files).equals(zip(files)));
  });

  it('refuses entry names that would escape the extraction directory', () => {
    for (const name of ['/etc/passwd', '../x', 'a\\b'])
      assert.throws(() => zip([{ name, data: Buffer.alloc(1) }]), /unsafe zip entry name/);
  });
});
