/**
 * The Pull Doctor symbol, drawn with anti-aliased strokes: an arrow pulling down into a tray. Coordinates are in a
 * unit square; `renderSymbol` maps them into a box of the image and supersamples each pixel for smooth edges.
 */
type Segment = { from: [number, number]; to: [number, number]; width: number };

const SYMBOL: Segment[] = [
  { from: [0.5, 0.08], to: [0.5, 0.6], width: 0.14 },
  { from: [0.27, 0.4], to: [0.5, 0.63], width: 0.14 },
  { from: [0.73, 0.4], to: [0.5, 0.63], width: 0.14 },
  { from: [0.1, 0.9], to: [0.9, 0.9], width: 0.12 },
  { from: [0.1, 0.72], to: [0.1, 0.9], width: 0.12 },
  { from: [0.9, 0.72], to: [0.9, 0.9], width: 0.12 },
];

function distanceToSegment(px: number, py: number, { from: [ax, ay], to: [bx, by] }: Segment): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function inside(x: number, y: number): boolean {
  return SYMBOL.some((s) => distanceToSegment(x, y, s) <= s.width / 2);
}

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/**
 * An RGBA image of `size` × `size`: `background` (or transparent when null) with the symbol in `colour`, drawn in
 * the square box starting at `inset` pixels from each edge.
 */
export function renderSymbol(size: number, inset: number, colour: Rgb, background: Rgb | null): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  const box = size - 2 * inset;
  const samples = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const u = (x + (sx + 0.5) / samples - inset) / box;
          const v = (y + (sy + 0.5) / samples - inset) / box;
          if (inside(u, v)) hits++;
        }
      }
      const coverage = hits / (samples * samples);
      const i = (y * size + x) * 4;
      if (background === null) {
        out.set([colour.r, colour.g, colour.b, Math.round(coverage * 255)], i);
      } else {
        const mix = (fg: number, bg: number) => Math.round(fg * coverage + bg * (1 - coverage));
        out.set([mix(colour.r, background.r), mix(colour.g, background.g), mix(colour.b, background.b), 255], i);
      }
    }
  }
  return out;
}
