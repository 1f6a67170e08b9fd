/**
 * Draws the app's icons (public/icons/*.png, committed) from one SVG, rendered by
 * Debian's Chromium through Playwright: no image library, no network. Rerun after
 * changing the drawing: `npx tsx scripts/make-icons.ts`.
 *
 * The picture: three loss curves falling at different speeds, in the charts'
 * Okabe–Ito colours, on the app's accent blue. The maskable icon keeps everything
 * inside the central 80 % circle that launchers may crop to.
 */
import { mkdirSync } from 'node:fs';
import { chromium } from '@playwright/test';

const ACCENT = '#1a56db';
const CURVES = [
  { color: '#E69F00', d: 'M 20 24 C 34 60, 46 70, 80 74' },
  { color: '#56B4E9', d: 'M 20 24 C 28 48, 40 62, 80 66' },
  { color: '#ffffff', d: 'M 20 24 C 24 40, 32 54, 80 56' },
];

/** The drawing on a 100 × 100 canvas; `inset` shrinks it towards the centre (maskable safe zone). */
function iconSvg(size: number, inset: number, rounded: boolean): string {
  const scale = 1 - 2 * inset;
  const offset = 100 * inset;
  const curves = CURVES.map((c) => `<path d="${c.d}" fill="none" stroke="${c.color}" stroke-width="6" stroke-linecap="round"/>`).join('');
  const axes = '<path d="M 16 16 V 82 H 86" fill="none" stroke="#ffffff" stroke-opacity="0.7" stroke-width="3" stroke-linecap="round"/>';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 100 100">
    <rect width="100" height="100" rx="${rounded ? 18 : 0}" fill="${ACCENT}"/>
    <g transform="translate(${offset} ${offset}) scale(${scale})">${axes}${curves}</g>
  </svg>`;
}

const ICONS = [
  { file: 'icon-192.png', size: 192, inset: 0, rounded: true },
  { file: 'icon-512.png', size: 512, inset: 0, rounded: true },
  // Launchers crop maskable icons to their own shape: full-bleed background, drawing inside the safe zone.
  { file: 'icon-maskable-512.png', size: 512, inset: 0.12, rounded: false },
  { file: 'apple-touch-icon-180.png', size: 180, inset: 0.06, rounded: false },
];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  mkdirSync('public/icons', { recursive: true });
  for (const icon of ICONS) {
    const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size } });
    await page.setContent(`<style>html,body{margin:0;background:transparent}svg{display:block}</style>${iconSvg(icon.size, icon.inset, icon.rounded)}`);
    await page.locator('svg').screenshot({ path: `public/icons/${icon.file}`, omitBackground: true });
    await page.close();
    console.log(`make-icons: public/icons/${icon.file} (${icon.size} px)`);
  }
} finally {
  await browser.close();
}
