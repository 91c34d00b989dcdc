// Draws the Teams app icons into appPackage/ (committed): color.png 192×192 (white symbol on the accent colour) and
// outline.png 32×32 (white symbol on transparent, as Teams requires). Run: npm run icons
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from './lib/png.js';
import { renderSymbol } from './lib/icon-art.js';

export const ACCENT = { r: 0x0f, g: 0x6c, b: 0xbd }; // #0F6CBD, the manifest's accentColor
const WHITE = { r: 255, g: 255, b: 255 };
const appPackage = join(import.meta.dirname, '..', 'appPackage');

writeFileSync(join(appPackage, 'color.png'), encodePng(192, 192, renderSymbol(192, 44, WHITE, ACCENT)));
writeFileSync(join(appPackage, 'outline.png'), encodePng(32, 32, renderSymbol(32, 3, WHITE, null)));
process.stdout.write(`wrote ${join(appPackage, 'color.png')} and outline.png\n`);
