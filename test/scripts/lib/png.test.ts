import assert from 'node:assert/strict';
import { encodePng } from '../../../scripts/lib/png.js';
import { decodeRgba, readPngHeader } from '../../support/png-reader.js';

describe('the PNG encoder', () => {
  it('writes 8-bit RGBA images that decode to the same pixels', () => {
    const width = 7;
    const height = 5;
    const rgba = new Uint8Array(width * height * 4).map((_, i) => (i * 37) % 256);
    const png = encodePng(width, height, rgba);
    assert.deepEqual(readPngHeader(png), { width, height, bitDepth: 8, colourType: 6, interlace: 0 });
    assert.deepEqual(decodeRgba(png).pixels, rgba);
  });

  it('refuses pixel data of the wrong size', () => {
    assert.throws(() => encodePng(2, 2, new Uint8Array(15)), /expected 16 bytes/);
  });
});
