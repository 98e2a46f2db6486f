// Opens every page of the course in headless Chromium and reports what a reader would hit:
// console errors, failed or external requests, figures or equations laid out with no size,
// figures without an opaque background in dark mode, navigation left in print. Screenshots of
// each page in light and dark mode and in print emulation go to the screenshot folder.
// Usage: node check.mjs <pages dir> <screenshot dir>
import { chromium } from 'playwright-core';
import { readdirSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, shots] = process.argv.slice(2).map((p) => resolve(p));
mkdirSync(shots, { recursive: true });
const pages = readdirSync(dir).filter((f) => f.endsWith('.html')).sort();
if (pages.length === 0) {
  console.error(`no .html pages in ${dir}`);
  process.exit(1);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failures = 0;
for (const name of pages) {
  const url = pathToFileURL(join(dir, name)).href;
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (r.url() !== url) problems.push(`request for ${r.url()}`); });
  page.on('requestfailed', (r) => problems.push(`failed request ${r.url()}: ${r.failure()?.errorText}`));
  const response = await page.goto(url, { waitUntil: 'load' });
  if (!response || !response.ok()) problems.push(`could not load ${url}`);
  const layout = await page.evaluate(() => {
    const empty = [];
    const measure = (selector) => {
      const all = [...document.querySelectorAll(selector)];
      for (const [i, el] of all.entries()) {
        const r = el.getBoundingClientRect();
        if (!(r.width > 0 && r.height > 0)) empty.push(`${selector} #${i + 1} is ${r.width}×${r.height}`);
      }
      return all.length;
    };
    const figures = measure('figure svg');
    const maths = measure('math');
    const uncaptioned = [...document.querySelectorAll('figure')].filter((f) => !f.querySelector('figcaption')).length;
    const csp = document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? '';
    return { figures, maths, empty, uncaptioned, csp };
  });
  problems.push(...layout.empty);
  if (layout.uncaptioned > 0) problems.push(`${layout.uncaptioned} figure(s) without a caption`);
  if (!layout.csp.includes("default-src 'none'")) problems.push('no Content-Security-Policy forbidding other sources');
  const shot = (suffix) => join(shots, name.replace(/\.html$/, `${suffix}.png`));
  await page.screenshot({ path: shot(''), fullPage: true });
  // Dark mode: the page follows prefers-color-scheme; figures must keep an opaque background.
  await page.emulateMedia({ colorScheme: 'dark' });
  const transparent = await page.evaluate(() => [...document.querySelectorAll('figure svg')]
    .filter((svg) => { const c = getComputedStyle(svg).backgroundColor; return c === 'transparent' || c === 'rgba(0, 0, 0, 0)'; })
    .length);
  if (transparent > 0) problems.push(`${transparent} figure(s) without an opaque background in dark mode`);
  await page.screenshot({ path: shot('-dark'), fullPage: true });
  // Print: no navigation.
  await page.emulateMedia({ media: 'print', colorScheme: 'light' });
  const printedNav = await page.evaluate(() => [...document.querySelectorAll('nav')]
    .filter((n) => n.getClientRects().length > 0).length);
  if (printedNav > 0) problems.push(`${printedNav} navigation block(s) visible in print`);
  await page.screenshot({ path: shot('-print'), fullPage: true });
  await context.close();
  const status = problems.length === 0 ? 'ok' : 'FAILED';
  console.log(`${status.padEnd(6)} ${name}: ${layout.figures} figures, ${layout.maths} equations laid out`);
  for (const p of problems) console.log(`       ${p}`);
  failures += problems.length;
}
await browser.close();
process.exit(failures === 0 ? 0 : 1);
