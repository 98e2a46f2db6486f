// Opens every page of the course in headless Chromium and reports what a reader would hit.
// At each width (a desktop and two phones) and in light and dark mode:
// - console errors, failed requests, any request beyond the page itself;
// - figures or equations laid out with no size, figures without a caption or an opaque
//   background, no Content-Security-Policy;
// - a page wider than the viewport;
// - a display equation or table wider than its box without a labelled, focusable scroll
//   container (role="region", aria-label, tabindex="0") around it, and any display equation
//   cut or scrolled vertically;
// - axe-core violations of serious or critical impact;
// - a numbered figure that no link in the text refers to;
// - the superscript of the test equation 10^8 more than 0.4 em above its base's top (a text
//   font without a MATH table puts it far higher, so a missing math font fails here), and an
//   embedded font the browser could not load (its sanitizer's warning, or the face's status);
// - a figure that scrolls sideways, sits in a scroll container or has a panel wider than
//   itself (its panels must stack and shrink to the width instead);
// - the smallest text in any figure as rendered, against FIGURE_TEXT_MIN_PX;
// and in print emulation, navigation left visible. Every check runs twice, with JavaScript on
// and off (a reader without scripts must get the same readable page). Screenshots of every
// page at every width, light, dark and print, with and without JavaScript, go to the
// screenshot folder.
// Usage: node check.mjs <pages dir> <screenshot dir>
import { chromium } from 'playwright-core';
import { readdirSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

/** The viewport widths checked: a desktop, a common phone, and the narrowest phone the figures
 * are drawn for (their panels shrink to its 328 px content width). */
const WIDTHS = [1280, 390, 360];
/** The smallest text a figure may show, in CSS pixels as rendered. */
const FIGURE_TEXT_MIN_PX = 11;
/** Whether a figure with smaller text fails the check (every `<text>` and `<tspan>`, so the
 * subscripts count too). Panels shrink to the phone's width, stacked, and never scroll. */
const FIGURE_TEXT_ENFORCED = true;
/** How far above its base's top the superscript of 10^8 may reach, in em of the base. With the
 * embedded Latin Modern Math it reaches 0.25 em; set in DejaVu Sans (no MATH table) 0.56 em, so
 * the 0.6 em first proposed would let a fallback font pass. */
const SUPERSCRIPT_MAX_RAISE_EM = 0.4;

const here = dirname(fileURLToPath(import.meta.url));
const axeSource = readFileSync(join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

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

/** Everything measured inside one page, in the page. */
function measure({ minText, maxRaise }) {
  const problems = [];
  const vw = document.documentElement.clientWidth;
  const pageWidth = document.documentElement.scrollWidth;
  if (pageWidth > vw) problems.push(`the page is ${pageWidth} px wide in a ${vw} px viewport`);
  const empty = [];
  const sized = (selector) => {
    const all = [...document.querySelectorAll(selector)];
    for (const [i, el] of all.entries()) {
      const r = el.getBoundingClientRect();
      if (!(r.width > 0 && r.height > 0)) empty.push(`${selector} #${i + 1} is ${r.width}×${r.height}`);
    }
    return all.length;
  };
  const figures = sized('figure svg');
  const maths = sized('math');
  problems.push(...empty);
  const uncaptioned = [...document.querySelectorAll('figure')].filter((f) => !f.querySelector('figcaption')).length;
  if (uncaptioned > 0) problems.push(`${uncaptioned} figure(s) without a caption`);
  const csp = document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? '';
  if (!csp.includes("default-src 'none'")) problems.push('no Content-Security-Policy forbidding other sources');
  // Wide content must sit in a labelled, focusable scroll container.
  const scroller = (el) => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === 'auto' || s.overflowX === 'scroll') {
        const labelled = a.getAttribute('role') === 'region' && a.getAttribute('aria-label') && a.getAttribute('tabindex') === '0';
        return { el: a, labelled };
      }
    }
    return null;
  };
  const describe = (el) => el.closest('[aria-label]')?.getAttribute('aria-label') ?? el.tagName.toLowerCase();
  for (const el of document.querySelectorAll('math[display="block"], table')) {
    const box = el.getBoundingClientRect();
    const s = scroller(el);
    if (s && !s.labelled) problems.push(`${describe(el)} scrolls in a container without role="region", aria-label and tabindex="0"`);
    const limit = (s ? s.el : el.parentElement).getBoundingClientRect();
    if (!s && box.right > limit.right + 0.5) problems.push(`${describe(el)} overflows its box by ${(box.right - limit.right).toFixed(1)} px`);
    if (s && s.el.getBoundingClientRect().right > vw + 0.5) problems.push(`the scroll container of ${describe(el)} is wider than the viewport`);
  }
  // Display equations: never cut or scrolled vertically, and no scrollbar where they fit.
  let scrolling = 0;
  for (const c of document.querySelectorAll('.math-display')) {
    if (c.scrollHeight > c.clientHeight + 1) problems.push(`${describe(c)} is cut vertically (${c.scrollHeight} > ${c.clientHeight} px)`);
    if (c.scrollWidth > c.clientWidth + 1) scrolling += 1;
  }
  // Figures are drawn for the width: no figure scrolls sideways, and no panel sticks out of
  // its figure (panels stack on a phone instead).
  for (const f of document.querySelectorAll('figure:not(.code)')) {
    const name = f.id || 'a figure';
    const box = f.getBoundingClientRect();
    for (const el of [f, ...f.querySelectorAll('div')]) {
      if (el.scrollWidth > el.clientWidth + 1) problems.push(`${name} scrolls sideways (${el.scrollWidth} > ${el.clientWidth} px)`);
    }
    for (const svg of f.querySelectorAll('svg')) {
      const r = svg.getBoundingClientRect();
      if (r.right > box.right + 0.5 || r.left < box.left - 0.5) problems.push(`${name}: a panel of ${r.width.toFixed(0)} px sticks out of its ${box.width.toFixed(0)} px box`);
      if (scroller(svg)) problems.push(`${name} sits in a scroll container`);
    }
  }
  // Figure text as rendered: the SVG's own font size times its scale on the page.
  let smallest = Infinity;
  let smallestAt = '';
  for (const svg of document.querySelectorAll('figure svg')) {
    const viewBox = svg.viewBox?.baseVal;
    const scale = viewBox && viewBox.width > 0 ? svg.getBoundingClientRect().width / viewBox.width : 1;
    for (const t of svg.querySelectorAll('text, tspan')) {
      const size = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (size < smallest) {
        smallest = size;
        smallestAt = svg.closest('figure')?.id ?? '';
      }
    }
  }
  // Every numbered figure is referred to by a link outside itself.
  const unreferenced = [...document.querySelectorAll('figure[id^="figure-"]')]
    .filter((f) => ![...document.querySelectorAll(`a[href="#${f.id}"]`)].some((a) => !f.contains(a)))
    .map((f) => f.id);
  if (unreferenced.length > 0) problems.push(`figures not referred to by number: ${unreferenced.join(', ')}`);
  // The superscript of 10^8 against its base.
  const raises = [];
  for (const sup of document.querySelectorAll('msup')) {
    const [base, script] = sup.children;
    if (base?.textContent.trim() === '10' && script?.textContent.trim() === '8') {
      const em = parseFloat(getComputedStyle(base).fontSize);
      const raise = (base.getBoundingClientRect().top - script.getBoundingClientRect().top) / em;
      raises.push(raise);
      if (raise > maxRaise) problems.push(`the superscript of 10^8 reaches ${raise.toFixed(2)} em above its base's top (at most ${maxRaise})`);
    }
  }
  const mathFont = getComputedStyle(document.querySelector('math') ?? document.body).fontFamily;
  // A font the browser could not decode (its sanitizer refused it) leaves the computed family
  // as it was, so the face's own status is what tells.
  // (Iterated, not `forEach`: with the page's scripts off, Chromium runs no callback it is given.)
  const faces = [...document.fonts];
  for (const face of faces.filter((f) => f.status === 'error')) problems.push(`the font ${face.family} could not be loaded`);
  const mathFamily = mathFont.split(',')[0].trim().replace(/"/g, '');
  const mathFace = faces.find((f) => f.family.replace(/"/g, '') === mathFamily);
  // A face that failed is told above; here, one that is missing or was never loaded.
  if (document.querySelector('math') && mathFace?.status !== 'loaded' && mathFace?.status !== 'error') {
    problems.push(`the math font ${mathFamily} is ${mathFace?.status ?? 'not an embedded face'}`);
  }
  return { problems, figures, maths, smallest, smallestAt, raises, scrolling, mathFont };
}

let failures = 0;
const smallestText = [];
/** Timers for the checks' own code in a page whose scripts are disabled: Chromium then runs
 * no timer callbacks, and axe-core waits on `setTimeout`, so it would hang. The page's own
 * scripts stay off; only what the check evaluates sees these. */
function microtaskTimers() {
  window.setTimeout = (f, _ms, ...args) => { Promise.resolve().then(() => f(...args)); return 0; };
  window.clearTimeout = () => {};
}

for (const name of pages) {
  const url = pathToFileURL(join(dir, name)).href;
  for (const [width, javaScriptEnabled] of WIDTHS.flatMap((w) => [[w, true], [w, false]])) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled });
    const page = await context.newPage();
    const problems = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
      // Chromium tells of a font its sanitizer (OTS) refused only as a warning.
      else if (/OTS parsing error|Failed to decode downloaded font/.test(m.text())) problems.push(`console: ${m.text().slice(0, 160)}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => { if (r.url() !== url && !r.url().startsWith('data:')) problems.push(`request for ${r.url()}`); });
    page.on('requestfailed', (r) => problems.push(`failed request ${r.url().slice(0, 80)}: ${r.failure()?.errorText}`));
    const response = await page.goto(url, { waitUntil: 'load' });
    if (!response || !response.ok()) problems.push(`could not load ${url}`);
    await page.evaluate(() => document.fonts.ready);
    const scripts = javaScriptEnabled ? '' : '-nojs';
    const shot = (suffix) => join(shots, name.replace(/\.html$/, `-${width}${scripts}${suffix}.png`));
    if (!javaScriptEnabled) {
      // Scripts really are off: the page's script, which sets up the explorers, did not run.
      const ran = await page.evaluate(() => 'unrolledExplorer' in globalThis);
      if (ran) problems.push('the page script ran although JavaScript is off');
      await page.evaluate(microtaskTimers);
    }
    let summary = null;
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      const m = await page.evaluate(measure, { minText: FIGURE_TEXT_MIN_PX, maxRaise: SUPERSCRIPT_MAX_RAISE_EM });
      problems.push(...m.problems.map((p) => `${scheme}: ${p}`));
      summary = summary ?? m;
      if (scheme === 'dark') {
        const transparent = await page.evaluate(() => [...document.querySelectorAll('figure svg')]
          .filter((svg) => { const c = getComputedStyle(svg).backgroundColor; return c === 'transparent' || c === 'rgba(0, 0, 0, 0)'; })
          .length);
        if (transparent > 0) problems.push(`${transparent} figure(s) without an opaque background in dark mode`);
      }
      // axe-core: evaluated through the DevTools protocol, which the page's CSP does not govern.
      await page.evaluate(axeSource);
      const axe = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, target: v.nodes[0]?.target?.join(' ') }));
      });
      for (const v of axe.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
        problems.push(`${scheme}: axe ${v.impact} ${v.id} on ${v.nodes} element(s), first ${v.target}`);
      }
      const minor = axe.filter((v) => v.impact !== 'serious' && v.impact !== 'critical');
      if (minor.length > 0) console.log(`       (${name} ${width} px ${scheme}: axe ${minor.map((v) => `${v.impact} ${v.id}`).join(', ')})`);
      await page.screenshot({ path: shot(scheme === 'dark' ? '-dark' : ''), fullPage: true });
    }
    if (summary.figures > 0) {
      smallestText.push([`${name} ${width} px${javaScriptEnabled ? '' : ' (JavaScript off)'}`, summary.smallest, summary.smallestAt]);
      if (FIGURE_TEXT_ENFORCED && summary.smallest < FIGURE_TEXT_MIN_PX) {
        problems.push(`figure text as small as ${summary.smallest.toFixed(1)} px (${summary.smallestAt}), under ${FIGURE_TEXT_MIN_PX} px`);
      }
    }
    if (name === 'rnn.html' && summary.raises.length === 0) problems.push('no test equation 10^8 to measure');
    // Print: no navigation.
    await page.emulateMedia({ media: 'print', colorScheme: 'light' });
    const printedNav = await page.evaluate(() => [...document.querySelectorAll('nav')]
      .filter((n) => n.getClientRects().length > 0).length);
    if (printedNav > 0) problems.push(`${printedNav} navigation block(s) visible in print`);
    if (width === WIDTHS[0]) await page.screenshot({ path: shot('-print'), fullPage: true });
    await context.close();
    const status = problems.length === 0 ? 'ok' : 'FAILED';
    const raise = summary.raises.length ? `, 10^8 raised ${summary.raises.map((r) => r.toFixed(2)).join('/')} em` : '';
    const mode = javaScriptEnabled ? '' : ', JavaScript off';
    console.log(`${status.padEnd(6)} ${name} at ${width} px${mode}: ${summary.figures} figures, ${summary.maths} equations (${summary.scrolling} scrolling), math font ${summary.mathFont.split(',')[0]}${raise}`);
    for (const p of problems) console.log(`       ${p}`);
    failures += problems.length;
  }
}
await browser.close();
for (const [where, px, at] of smallestText) {
  const verdict = px >= FIGURE_TEXT_MIN_PX ? 'ok' : FIGURE_TEXT_ENFORCED ? 'FAILED' : 'below the threshold, not enforced yet';
  console.log(`figure text: smallest ${px.toFixed(1)} px on ${where} (${at}); threshold ${FIGURE_TEXT_MIN_PX} px: ${verdict}`);
}
process.exit(failures === 0 ? 0 : 1);
