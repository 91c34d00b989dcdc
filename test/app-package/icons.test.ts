import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeRgba, readPngHeader } from '../support/png-reader.js';

const icon = (name: string) => readFileSync(join(process.cwd(), 'appPackage', name));

describe('the Teams app icons', () => {
  it('color.png is a 192×192 PNG', () => {
    const header = readPngHeader(icon('color.png'));
    assert.deepEqual([header.width, header.height], [192, 192]);
  });

  it('outline.png is a 32×32 PNG with an alpha channel', () => {
    const header = readPngHeader(icon('outline.png'));
    assert.deepEqual([header.width, header.height], [32, 32]);
    assert.equal(header.colourType, 6, 'colour type 6: truecolour with alpha');
  });

  it('outline.png is white on transparent: every visible pixel is white, and most of the icon is see-through', () => {
    const { pixels } = decodeRgba(icon('outline.png'));
    let transparent = 0;
    let opaque = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const alpha = pixels[i + 3]!;
      if (alpha === 0) transparent++;
      if (alpha === 255) opaque++;
      if (alpha > 0) assert.deepEqual([...pixels.subarray(i, i + 3)], [255, 255, 255], `pixel ${i / 4} is not white`);
    }
    assert.ok(transparent > 32 * 32 * 0.5, `${transparent} transparent pixels`);
    assert.ok(opaque > 50, `${opaque} opaque pixels`);
  });

  it('color.png is fully opaque, on the accent colour #0F6CBD of the manifest', () => {
    const { pixels } = decodeRgba(icon('color.png'));
    for (let i = 3; i < pixels.length; i += 4) assert.equal(pixels[i], 255);
    assert.deepEqual([...pixels.subarray(0, 3)], [0x0f, 0x6c, 0xbd]);
    const manifest = JSON.parse(readFileSync(join(process.cwd(), 'appPackage', 'manifest.json'), 'utf8')) as { accentColor: string };
    assert.equal(manifest.accentColor, '#0F6CBD');
  });
});
