#!/usr/bin/env node
/**
 * Draws the app icons Teams requires (appPackage/color.png 192×192, full colour; outline.png 32×32,
 * white on transparent): a speech-bubble "Q". Run once after changing the design; the PNGs are
 * committed. Plain drawing with pngjs, anti-aliased by 4×4 supersampling.
 */
'use strict';
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { PNG } = require('pngjs');

/** Coverage (0..1) of the "Q" glyph at a point in a unit square. */
function glyph(x, y) {
  const dx = x - 0.47;
  const dy = y - 0.47;
  const r = Math.hypot(dx, dy);
  const ring = r > 0.22 && r < 0.33;
  // The tail: a slanted bar from the ring towards the lower right.
  const t = ((x - 0.56) + (y - 0.56)) / 2;
  const across = Math.abs((x - 0.56) - (y - 0.56)) / Math.SQRT2;
  const tail = t > -0.02 && t < 0.2 && across < 0.055;
  return ring || tail;
}

function draw(size, paint) {
  const png = new PNG({ width: size, height: size });
  const samples = 4;
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      let covered = 0;
      for (let sy = 0; sy < samples; sy += 1) {
        for (let sx = 0; sx < samples; sx += 1) {
          if (glyph((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size)) covered += 1;
        }
      }
      const [r, g, b, a] = paint(covered / (samples * samples), px / size, py / size);
      const index = (py * size + px) * 4;
      png.data[index] = r;
      png.data[index + 1] = g;
      png.data[index + 2] = b;
      png.data[index + 3] = a;
    }
  }
  return PNG.sync.write(png);
}

const folder = join(__dirname, '..', 'appPackage');
// Colour icon: deep blue-to-violet background, white glyph.
writeFileSync(join(folder, 'color.png'), draw(192, (coverage, x, y) => {
  const mix = (x + y) / 2;
  const background = [Math.round(35 + 60 * mix), Math.round(47 + 10 * mix), Math.round(120 + 90 * mix)];
  return [...background.map((channel) => Math.round(channel + (255 - channel) * coverage)), 255];
}));
// Outline icon: white glyph, transparent elsewhere.
writeFileSync(join(folder, 'outline.png'), draw(32, (coverage) => [255, 255, 255, Math.round(255 * coverage)]));
console.log('wrote appPackage/color.png and appPackage/outline.png');
