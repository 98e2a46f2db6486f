// The explorers in headless Chromium, against the native core:
// - lesson 1: Rprop from each dataset's configured start, run in the page, gives bit for bit
//   every iterate of results.json; clicks on the surface draw a path that ends where the
//   native core ends from the same start (`cargo run --example native_rprop`); an
//   out-of-range η⁻ shows the core's own message;
// - lesson 2: the MLP's loss after the course's SGD steps in the page is bit for bit the
//   loss results.json holds; the live loss curve holds, bit for bit, results.json's history
//   (after a few steps and after all of them) and its drawn last point is that loss; Play and
//   dragging a point run without an error; the arrow keys move the selected point in the
//   core and say so in the live region;
// - no console error, no request beyond the page; with JavaScript off every page has the same
//   text as with it, less the explorers' controls.
// Usage: node explorer.mjs <pages dir> (run from the workspace root, which holds Cargo.toml)
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = resolve(process.argv[2] ?? 'reports');
const resultsPath = join(dir, 'results.json');
const results = JSON.parse(readFileSync(resultsPath, 'utf8'));
const hex = (x) => {
  const b = new BigUint64Array(new Float64Array([x]).buffer)[0];
  return b.toString(16).padStart(16, '0');
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
const fail = (m) => problems.push(m);

/** Poll `predicate(arg)` in the page until it holds (waitForFunction evaluates strings, which the page's policy forbids). */
async function until(page, predicate, arg) {
  for (let i = 0; i < 200; i++) {
    if (await page.evaluate(predicate, arg)) return;
    await page.waitForTimeout(50);
  }
  throw new Error(`timed out waiting for ${predicate}`);
}

/** Open a page, recording console errors, page errors and requests; wait for the explorer. */
async function open(name, javaScriptEnabled = true) {
  const url = pathToFileURL(join(dir, name)).href;
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, javaScriptEnabled });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') fail(`${name}: console error: ${m.text()}`); });
  page.on('pageerror', (e) => fail(`${name}: page error: ${e.message}`));
  page.on('request', (r) => { if (r.url() !== url && !r.url().startsWith('data:')) fail(`${name}: request for ${r.url()}`); });
  await page.goto(url, { waitUntil: 'load' });
  if (javaScriptEnabled) await until(page, () => Boolean(globalThis.unrolledExplorer));
  return { page, context };
}

/** The text of the page, without the explorers' controls. */
const text = (page) => page.evaluate(() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('form.explorer').forEach((f) => f.remove());
  return body.textContent.replace(/\s+/g, ' ').trim();
});

// ─── Lesson 1 ───
{
  const { page, context } = await open('rnn.html');
  for (const key of ['binary', 'variant']) {
    const form = page.locator(`figure[data-explorer="${key}"] + form.explorer`);
    await form.getByRole('button', { name: 'Run' }).click();
    await until(page, (k) => {
      const out = document.querySelector(`figure[data-explorer="${k}"] + form output`);
      return out && /ran \d+ iterations|stopped|refused/.test(out.textContent);
    }, key);
    const got = await page.evaluate((k) => globalThis.unrolledExplorer.path(k), key);
    const t = results.rnn[key].rprop.trajectory;
    const expected = t.w_x.flatMap((w, i) => [hex(w), hex(t.w_rec[i]), hex(t.loss[i])]);
    const differ = expected.findIndex((b, i) => got?.[i] !== b);
    if (!got || got.length !== expected.length || differ >= 0) {
      fail(`rnn.html ${key}: the page's Rprop path differs from results.json (${got?.length} of ${expected.length} values, first difference at ${differ})`);
    } else {
      console.log(`ok     rnn.html ${key}: Rprop in the page = results.json, all ${t.w_x.length} iterates bit for bit`);
    }
    // Clicks on the overview and the zoom: the path ends where the native core ends.
    const clicks = key === 'binary' ? [[0, 0.5, 2.5], [0, -2, -1], [1, 1.8, 0.3]] : [[0, 2.5, -0.5]];
    for (const [panel, x, y] of clicks) {
      const at = await page.evaluate(([k, p, x, y]) => {
        // The panels are SVGs of their own: the p-th plotting area of the figure, in its SVG.
        const g = document.querySelectorAll(`figure[data-explorer="${k}"] svg [data-plot-box]`)[p];
        const svg = g.ownerSVGElement;
        svg.scrollIntoView({ block: 'center' });
        const [l, t, r, b] = g.dataset.plotBox.split(' ').map(Number);
        const [x0, x1] = g.dataset.xRange.split(' ').map(Number);
        const [y0, y1] = g.dataset.yRange.split(' ').map(Number);
        const u = l + ((x - x0) / (x1 - x0)) * (r - l);
        const v = b - ((y - y0) / (y1 - y0)) * (b - t);
        const c = new DOMPoint(u, v).matrixTransform(svg.getScreenCTM());
        return [c.x, c.y];
      }, [key, panel, x, y]);
      await page.mouse.click(at[0], at[1]);
      await page.waitForTimeout(50);
      const path = await page.evaluate((k) => globalThis.unrolledExplorer.path(k), key);
      const drawn = await page.evaluate((k) => [...document.querySelectorAll(`figure[data-explorer="${k}"] svg g[aria-hidden] path`)]
        .some((p) => (p.getAttribute('d') || '').length > 0), key);
      const native = execFileSync('cargo', ['run', '-q', '-p', 'explorer', '--example', 'native_rprop', '--',
        resultsPath, key, path[0], path[1]], { encoding: 'utf8' }).trim().split('\n');
      const end = path.slice(-3);
      const start = [path[0], path[1]].map((b) => Buffer.from(b, 'hex').readDoubleBE(0));
      const near = Math.abs(start[0] - x) < 0.05 && Math.abs(start[1] - y) < 0.05;
      if (!drawn || !near || end.join() !== native.join()) {
        fail(`rnn.html ${key}: a click at (${x}, ${y}) started at (${start}), drew ${drawn ? 'a' : 'no'} path ending at ${end}, native ${native}`);
      } else {
        console.log(`ok     rnn.html ${key}: a click near (${x}, ${y}) draws a path ending where the native core ends`);
      }
    }
    // Out of range: the core's own message.
    const field = form.getByLabel('\u03b7\u207b');
    await field.fill('1.5');
    await form.getByRole('button', { name: 'Run' }).click();
    const message = await form.locator('output').textContent();
    if (!message.includes('invalid hyperparameter `eta_minus`: expected in (0, 1)')) fail(`rnn.html ${key}: η⁻ = 1.5 shows "${message}"`);
    await field.fill(String(results.rnn[key].rprop.settings.eta_minus));
    // Zero iterations, typed and submitted with the keyboard: refused by the core, nothing drawn.
    const iterations = form.getByLabel('iterations');
    await iterations.fill('0');
    await iterations.press('Enter');
    const refused = await form.locator('output').textContent();
    if (!refused.includes('invalid hyperparameter `iterations`: expected at least 1')) fail(`rnn.html ${key}: 0 iterations shows "${refused}"`);
    await iterations.fill(String(results.rnn[key].rprop.settings.iterations));
  }
  const withScript = await text(page);
  await context.close();
  const off = await open('rnn.html', false);
  if ((await text(off.page)) !== withScript) fail('rnn.html: the text differs with JavaScript off');
  await off.context.close();
}

// ─── Lesson 2 ───
{
  const { page, context } = await open('backprop.html');
  const mlp = results.backprop.mlp;
  const steps = mlp.settings.iterations;
  const every = mlp.settings.record_every;
  // The curve after `n` steps: results.json's record at every multiple of `record_every` up to
  // `n` (the final loss at the end), and the drawn path ends on the last of them.
  const curveAfter = async (n) => {
    const loss = await page.evaluate((k) => globalThis.unrolledExplorer.mlpLossBits(k), n);
    const curve = await page.evaluate(() => globalThis.unrolledExplorer.mlpCurve());
    const records = [...mlp.loss_history, mlp.final_loss].slice(0, n / every + 1).map(hex);
    const differ = records.findIndex((b, i) => curve?.losses[i] !== b);
    const box = await page.evaluate(() => {
      const g = document.querySelector('figure[data-explorer="mlp-loss"] svg [data-plot-box]');
      return g && { box: g.dataset.plotBox, x: g.dataset.xRange, y: g.dataset.yRange, log: g.dataset.yLog };
    });
    if (!box || box.log !== '10') return fail(`backprop.html: the loss figure has no log-axis plot marker (${JSON.stringify(box)})`);
    const [l, t, r, b] = box.box.split(' ').map(Number);
    const [x0, x1] = box.x.split(' ').map(Number);
    const [y0, y1] = box.y.split(' ').map(Number);
    const last = records.at(-1);
    const value = Buffer.from(last, 'hex').readDoubleBE(0);
    const want = [l + ((n - x0) / (x1 - x0)) * (r - l), b - ((Math.log10(value) - y0) / (y1 - y0)) * (b - t)];
    const drawn = (curve?.d ?? '').split(/[ML]/).filter(Boolean).map((p) => p.split(' ').map(Number));
    const end = drawn.at(-1) ?? [NaN, NaN];
    if (loss !== last || !curve || curve.losses.length !== records.length || differ >= 0 || drawn.length !== records.length) {
      fail(`backprop.html: after ${n} steps the loss is ${loss} and the curve holds ${curve?.losses.length} losses (${drawn.length} drawn), first difference from results.json at ${differ} of ${records.length}`);
    } else if (Math.abs(end[0] - want[0]) > 0.01 || Math.abs(end[1] - want[1]) > 0.01) {
      fail(`backprop.html: after ${n} steps the curve ends at (${end}), the loss ${value} is at (${want})`);
    } else {
      console.log(`ok     backprop.html: after ${n} steps the loss and all ${records.length} points of the live curve = results.json bit for bit, drawn to (${end})`);
    }
  };
  await curveAfter(5000);
  await curveAfter(steps);
  // Past the axis's end the losses are kept but the path grows no more.
  const long = await page.evaluate((n) => {
    globalThis.unrolledExplorer.mlpLossBits(n);
    return globalThis.unrolledExplorer.mlpCurve();
  }, steps + 10 * every);
  const vertices = (long?.d ?? '').split(/[ML]/).filter(Boolean).length;
  if (long?.losses.length !== steps / every + 11 || vertices !== steps / every + 1) {
    fail(`backprop.html: ${steps + 10 * every} steps keep ${long?.losses.length} losses and draw ${vertices}`);
  } else console.log(`ok     backprop.html: past the axis's end the curve keeps every loss and draws no more`);
  const form = page.locator('figure[data-explorer="mlp"] + form.explorer');
  await form.getByRole('button', { name: 'Reset' }).click();
  await form.getByRole('button', { name: 'Play' }).click();
  await page.waitForTimeout(400);
  await form.getByRole('button', { name: 'Pause' }).click();
  const after = await form.locator('output').textContent();
  if (!/step [1-9]\d*/.test(after)) fail(`backprop.html: Play did not train (${after})`);
  // Drag the first point of the data a little.
  const at = await page.evaluate(() => {
    const svg = document.querySelector('figure[data-explorer="mlp"] svg');
    svg.scrollIntoView({ block: 'center' });
    const d = svg.querySelector('g[aria-hidden] path:nth-of-type(2)').getAttribute('d');
    const [u, v] = d.slice(1).split('h')[0].split(' ').map(Number);
    const c = new DOMPoint(u, v).matrixTransform(svg.getScreenCTM());
    return [c.x, c.y];
  });
  await page.mouse.move(at[0], at[1]);
  await page.mouse.down();
  await page.mouse.move(at[0] + 30, at[1] - 20, { steps: 3 });
  await page.mouse.up();
  // The keyboard: focus the figure, select the next point, move it right and (ten times) up.
  // The plane's panel, not the colour scale under it.
  const svg = page.locator('figure[data-explorer="mlp"] svg').first();
  await svg.focus();
  await page.keyboard.press('n');
  const before = await page.evaluate(() => globalThis.unrolledExplorer.mlpPoint(1));
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Shift+ArrowUp');
  const moved = await page.evaluate(() => globalThis.unrolledExplorer.mlpPoint(1));
  const said = await form.locator('output').textContent();
  const [bx, by] = before.map((b) => Buffer.from(b, 'hex').readDoubleBE(0));
  const [mx, my] = moved.map((b) => Buffer.from(b, 'hex').readDoubleBE(0));
  const ring = await page.evaluate(() => document.querySelectorAll('figure[data-explorer="mlp"] svg g[aria-hidden] circle').length);
  if (mx !== bx + 0.1 || my !== by + 1 || !/^Moved point 2 of \d+ /.test(said) || ring !== 1) {
    fail(`backprop.html: the arrow keys moved point 2 from (${bx}, ${by}) to (${mx}, ${my}), said "${said}", ${ring} rings`);
  } else {
    console.log(`ok     backprop.html: the arrow keys move the selected point in the core and announce it ("${said}")`);
  }
  await context.close();
  const on = await open('backprop.html');
  const withScript = await text(on.page);
  await on.context.close();
  const off = await open('backprop.html', false);
  if ((await text(off.page)) !== withScript) fail('backprop.html: the text differs with JavaScript off');
  await off.context.close();
}

await browser.close();
for (const p of problems) console.log(`FAILED ${p}`);
process.exit(problems.length === 0 ? 0 : 1);
