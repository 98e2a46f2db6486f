// Lesson 2's explorer: the 2-5-5-1 MLP learns in the page, on the blobs of the page's seed,
// its output over the plane, zero contour and loss curve redrawn as it goes; drag a point (or
// move the selected one with the arrow keys) to move it.
{% include "explorer.js" %}

const PAGE = {{ {
  "data_seed": r.backprop.data.seed,
  "points": r.backprop.data.xs | length,
  "mlp": r.backprop.mlp.settings,
  "plane": r.backprop.plane
} | tojson }};

const { core, f64, error } = await loadCore("{{ wasm('backprop') }}");
/** Steps per animation frame while playing. */
const STEPS_PER_FRAME = 500;
/** Image pixels per grid value along each axis: the bands are cut from the grid interpolated bilinearly between its values. */
const SCALE = 4;
/** The output bands' colours (the figure's diverging map) at their stops. */
const STOPS = [[84, 130, 196], [170, 198, 232], [247, 247, 247], [246, 196, 150], [221, 132, 62]];

function colour(t) {
  const c = Math.min(1, Math.max(0, Number.isNaN(t) ? 0 : t));
  const pos = c * (STOPS.length - 1);
  const i = Math.min(Math.floor(pos), STOPS.length - 2);
  const f = pos - i;
  return STOPS[i].map((a, k) => Math.round(a + (STOPS[i + 1][k] - a) * f));
}

const figure = document.querySelector('figure[data-explorer="mlp"]');
const svg = figure && figure.querySelector("svg");
const area = svg && plotAreas(svg)[0];
const mlp = { steps: null, curve: null, point: null };

/** The loss figure's live curve: the mean loss every `record_every` steps, as the core's SGD records it. */
function lossCurve() {
  const fig = document.querySelector('figure[data-explorer="mlp-loss"]');
  const plot = fig && fig.querySelector("svg");
  const box = plot && plotAreas(plot)[0];
  const losses = [];
  if (!box) return { losses, clear() {}, add() {} };
  const clip = make("clipPath", { id: "explorer-loss-clip" }, plot, SVG_NS);
  make("rect", { x: box.left, y: box.top, width: box.right - box.left, height: box.bottom - box.top }, clip, SVG_NS);
  const line = make("path", { fill: "none", stroke: "#aa3c00", "stroke-width": "2", "clip-path": "url(#explorer-loss-clip)", "aria-hidden": "true" }, plot, SVG_NS);
  // The log axis's y range is in log10 units.
  const y = (loss) => (box.yLog ? Math.log10(Math.max(loss, 1e-300)) : loss);
  let d = "";
  let last = -Infinity;
  return {
    losses,
    box,
    line,
    clear() { losses.length = 0; d = ""; last = -Infinity; line.setAttribute("d", ""); },
    /**
     * Append the loss at `step` (drawn once per frame by `draw`). Past the axis's end only the
     * first point is drawn, for the clipped segment to the edge; the rest are kept, not drawn,
     * so a long run does not grow the path.
     */
    add(step, loss) {
      losses.push(loss);
      const [u, v] = box.toPixel(step, y(loss));
      if (last <= box.x1 && Number.isFinite(v)) d += `${d ? "L" : "M"}${u.toFixed(2)} ${v.toFixed(2)}`;
      last = step;
    },
    draw() { line.setAttribute("d", d); },
  };
}

if (area) {
  const [lo, hi] = PAGE.plane.range;
  const n = PAGE.plane.points;
  const top = area.colourTop;
  const clip = make("clipPath", { id: "explorer-mlp-clip" }, svg, SVG_NS);
  make("rect", { x: area.left, y: area.top, width: area.right - area.left, height: area.bottom - area.top }, clip, SVG_NS);
  const layer = make("g", { "clip-path": "url(#explorer-mlp-clip)", "aria-hidden": "true" }, svg, SVG_NS);
  const canvas = document.createElement("canvas");
  const m = n * SCALE;
  canvas.width = m;
  canvas.height = m;
  // The bands' colours as the image's 32-bit pixels (RGBA in memory order).
  const bands = Uint32Array.from({ length: 12 }, (_, i) => {
    const [r, g, b] = colour(i / 11);
    return new Uint32Array(new Uint8Array([r, g, b, 255]).buffer)[0];
  });
  // Pixel c's centre in grid steps, clamped to the grid: its lower grid index and the upper's weight.
  const cells = new Int32Array(m);
  const weights = new Float64Array(m);
  for (let c = 0; c < m; c++) {
    const g = Math.min(n - 1, Math.max(0, (c + 0.5) / SCALE - 0.5));
    cells[c] = Math.min(n - 2, Math.floor(g));
    weights[c] = g - cells[c];
  }

  const form = controls(figure, "Train the MLP in the page",
    "Play trains the net from its seeded start with the core's SGD, in this page; the loss figure above draws this run's mean loss in orange over the course's. " +
    "Drag a point to move it, or focus the figure and move the selected point with the arrow keys (Shift: ten times as far; N and P select the next or previous point); the net then learns the moved data.");
  const curve = lossCurve();
  const play = make("button", { type: "button", text: "Play", "aria-pressed": "false" }, form);
  const reset = make("button", { type: "button", text: "Reset" }, form);
  const rate = numberField(form, "learning rate", PAGE.mlp.learning_rate, "finite and > 0");
  const seed = numberField(form, "initial weights seed", PAGE.mlp.init_seed, "a whole number");
  const readout = make("p", {}, form);
  readout.style.cssText = "flex-basis: 100%; margin: 0";
  const out = announcer(form);

  let points = [];
  let labels = [];
  /** The point the arrow keys move (and the last one dragged). */
  let selected = 0;
  const start = () => {
    if (core.mlp_blobs(BigInt(PAGE.data_seed), PAGE.points) !== 0) { out.textContent = error(); return false; }
    const len = core.mlp_points_len();
    points = f64(core.mlp_points(), 2 * len);
    labels = f64(core.mlp_labels(), len);
    const s = Number(seed.value);
    if (!Number.isInteger(s) || s < 0) { out.textContent = "The initial weights seed must be a whole number \u2265 0."; return false; }
    core.mlp_init(BigInt(s), BigInt(PAGE.mlp.seed));
    curve.clear();
    curve.add(0, core.mlp_loss());
    curve.draw();
    return true;
  };

  const drawPoints = () => {
    const d = ["", ""];
    for (let i = 0; i < labels.length; i++) {
      const [x, y] = [points[2 * i], points[2 * i + 1]];
      if (!area.inside(x, y)) continue;
      const [u, v] = area.toPixel(x, y);
      d[labels[i] > 0 ? 1 : 0] += `M${u.toFixed(1)} ${v.toFixed(1)}h0`;
    }
    return d;
  };

  const redraw = () => {
    const segments = core.mlp_grid(lo, hi, n);
    const grid = f64(core.mlp_grid_values(), n * n);
    const lines = f64(core.mlp_segments(), 4 * segments);
    const ctx = canvas.getContext("2d");
    const image = ctx.createImageData(m, m);
    const pixels = new Uint32Array(image.data.buffer);
    for (let py = 0; py < m; py++) {
      const [i, fy] = [cells[m - 1 - py], weights[m - 1 - py]]; // row 0 of the grid is the bottom
      for (let px = 0; px < m; px++) {
        const fx = weights[px];
        const k = i * n + cells[px];
        const below = grid[k] + (grid[k + 1] - grid[k]) * fx;
        const above = grid[k + n] + (grid[k + n + 1] - grid[k + n]) * fx;
        const y = below + (above - below) * fy;
        // Band of the figure's 12 equal bands over [-top, top].
        const band = Math.min(11, Math.max(0, Math.floor(((y + top) / (2 * top)) * 12)));
        pixels[py * m + px] = bands[Number.isNaN(band) ? 0 : band];
      }
    }
    ctx.putImageData(image, 0, 0);
    const h = (hi - lo) / (n - 1);
    const [u0, v0] = area.toPixel(lo - h / 2, hi + h / 2);
    const [u1, v1] = area.toPixel(hi + h / 2, lo - h / 2);
    let d = "";
    for (let s = 0; s < segments; s++) {
      const [a, b] = area.toPixel(lines[4 * s], lines[4 * s + 1]);
      const [c, e] = area.toPixel(lines[4 * s + 2], lines[4 * s + 3]);
      d += `M${a.toFixed(1)} ${b.toFixed(1)}L${c.toFixed(1)} ${e.toFixed(1)}`;
    }
    const [blue, orange] = drawPoints();
    layer.replaceChildren();
    make("image", { href: canvas.toDataURL(), x: u0, y: v0, width: u1 - u0, height: v1 - v0, preserveAspectRatio: "none" }, layer, SVG_NS);
    make("path", { d, fill: "none", stroke: "#000000", "stroke-width": "2" }, layer, SVG_NS);
    make("path", { d: blue, stroke: "#143c8c", "stroke-opacity": "0.5", "stroke-width": "4", "stroke-linecap": "round", fill: "none" }, layer, SVG_NS);
    make("path", { d: orange, stroke: "#aa3c00", "stroke-opacity": "0.5", "stroke-width": "4", "stroke-linecap": "round", fill: "none" }, layer, SVG_NS);
    if (document.activeElement === svg && selected < labels.length) {
      const [u, v] = area.toPixel(points[2 * selected], points[2 * selected + 1]);
      make("circle", { cx: u.toFixed(1), cy: v.toFixed(1), r: "7", fill: "none", stroke: "#000000", "stroke-width": "2" }, layer, SVG_NS);
    }
    const loss = core.mlp_loss();
    readout.textContent = `step ${core.mlp_iteration()}: mean loss ${show(loss)}, accuracy ${show(core.mlp_accuracy())}`;
    return loss;
  };

  /**
   * `steps` SGD steps at the current learning rate, in pieces that end on the multiples of
   * `record_every`, where the loss goes on the curve as the core's SGD records it; false (with
   * the core's message) on an error.
   */
  const every = PAGE.mlp.record_every;
  const train = (steps) => {
    for (let left = steps; left > 0;) {
      const done = core.mlp_iteration();
      const k = Math.min(left, every - (done % every));
      if (core.mlp_train(k, Number(rate.value)) !== 0) {
        out.textContent = `The core stopped: ${error()}`;
        curve.draw();
        return false;
      }
      left -= k;
      if ((done + k) % every === 0) curve.add(done + k, core.mlp_loss());
    }
    curve.draw();
    return true;
  };

  let playing = false;
  const setPlaying = (on) => {
    playing = on;
    play.textContent = on ? "Pause" : "Play";
    play.setAttribute("aria-pressed", String(on));
    if (!on) out.textContent = readout.textContent;
  };
  const tick = () => {
    if (!playing) return;
    if (!train(STEPS_PER_FRAME)) { setPlaying(false); return; }
    redraw();
    requestAnimationFrame(tick);
  };
  play.addEventListener("click", () => {
    setPlaying(!playing);
    if (playing) { out.textContent = ""; requestAnimationFrame(tick); }
  });
  reset.addEventListener("click", () => {
    setPlaying(false);
    if (start()) { redraw(); out.textContent = `Reset: ${readout.textContent}`; }
  });
  form.addEventListener("submit", (e) => e.preventDefault());

  // Dragging a point: the nearest within 8 pixels follows the pointer.
  let dragged = -1;
  svg.addEventListener("pointerdown", (e) => {
    const [u, v] = svgPoint(svg, e);
    let best = 64;
    dragged = -1;
    for (let i = 0; i < labels.length; i++) {
      const [pu, pv] = area.toPixel(points[2 * i], points[2 * i + 1]);
      const d2 = (pu - u) ** 2 + (pv - v) ** 2;
      if (d2 < best) { best = d2; dragged = i; }
    }
    if (dragged >= 0) { selected = dragged; svg.setPointerCapture(e.pointerId); }
  });
  svg.addEventListener("pointermove", (e) => {
    if (dragged < 0) return;
    const [x, y] = area.toData(...svgPoint(svg, e));
    if (core.mlp_move_point(dragged, x, y) !== 0) { out.textContent = error(); return; }
    points[2 * dragged] = x;
    points[2 * dragged + 1] = y;
    redraw();
  });
  svg.addEventListener("pointerup", () => { dragged = -1; });
  svg.style.touchAction = "none";

  // The keyboard's way: the focused figure moves the selected point, announced in the output.
  const help = form.querySelector("p");
  help.id = "explorer-mlp-help";
  svg.setAttribute("tabindex", "0");
  svg.setAttribute("aria-describedby", help.id);
  svg.setAttribute("aria-keyshortcuts", "ArrowLeft ArrowRight ArrowUp ArrowDown Shift+ArrowLeft Shift+ArrowRight Shift+ArrowUp Shift+ArrowDown N P");
  const say = (what) => {
    const [x, y] = [points[2 * selected], points[2 * selected + 1]];
    out.textContent = `${what} point ${selected + 1} of ${labels.length} (label ${show(labels[selected])}) at (${show(x)}, ${show(y)}).`;
  };
  const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
  svg.addEventListener("keydown", (e) => {
    if (labels.length === 0 || e.altKey || e.ctrlKey || e.metaKey) return;
    const key = e.key.toLowerCase();
    if (key === "n" || key === "p") {
      selected = (selected + (key === "n" ? 1 : labels.length - 1)) % labels.length;
      say("Selected");
    } else if (moves[e.key]) {
      // A tenth of a unit a press, kept inside the figure so the point stays in sight.
      const by = e.shiftKey ? 1 : 0.1;
      const clamp = (v, a, b) => Math.min(b, Math.max(a, v));
      const x = clamp(points[2 * selected] + moves[e.key][0] * by, area.x0, area.x1);
      const y = clamp(points[2 * selected + 1] + moves[e.key][1] * by, area.y0, area.y1);
      if (core.mlp_move_point(selected, x, y) !== 0) { out.textContent = error(); return; }
      points[2 * selected] = x;
      points[2 * selected + 1] = y;
      say("Moved");
    } else return;
    e.preventDefault();
    redraw();
  });
  svg.addEventListener("focus", () => { redraw(); say("Selected"); });
  svg.addEventListener("blur", redraw);

  if (start()) {
    // The static figure stays until the reader starts the net.
    mlp.steps = (steps) => { start(); return train(steps) ? redraw() : null; };
    mlp.curve = () => ({ losses: curve.losses.map(bits), d: curve.line ? curve.line.getAttribute("d") : null });
    mlp.point = (i) => [...f64(core.mlp_points(), 2 * core.mlp_points_len()).slice(2 * i, 2 * i + 2)].map(bits);
  }
}

/** An f64's bits as 16 hex digits. */
function bits(x) {
  return new BigUint64Array(new Float64Array([x]).buffer)[0].toString(16).padStart(16, "0");
}

// For the browser check, as f64 bits: the loss after `steps` steps from the seeded start, the
// losses on the live curve (and its drawn path), and point `i` as the core holds it.
globalThis.unrolledExplorer = {
  mlpLossBits(steps) {
    const loss = mlp.steps ? mlp.steps(steps) : null;
    return loss === null ? null : bits(loss);
  },
  mlpCurve: () => (mlp.curve ? mlp.curve() : null),
  mlpPoint: (i) => (mlp.point ? mlp.point(i) : null),
};
