// Lesson 2's explorer: the 2-5-5-1 MLP learns in the page, on the blobs of the page's seed,
// its output over the plane and zero contour redrawn as it goes; drag a point to move it.
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
const mlp = { steps: null, loss: null };

if (area) {
  const [lo, hi] = PAGE.plane.range;
  const n = PAGE.plane.points;
  const top = area.colourTop;
  const clip = make("clipPath", { id: "explorer-mlp-clip" }, svg, SVG_NS);
  make("rect", { x: area.left, y: area.top, width: area.right - area.left, height: area.bottom - area.top }, clip, SVG_NS);
  const layer = make("g", { "clip-path": "url(#explorer-mlp-clip)", "aria-hidden": "true" }, svg, SVG_NS);
  const canvas = document.createElement("canvas");
  canvas.width = n;
  canvas.height = n;

  const form = controls(figure, "Train the MLP in the page",
    "Play trains the net from its seeded start with the core's SGD, in this page. Drag a point to move it; the net then learns the moved data.");
  const play = make("button", { type: "button", text: "Play", "aria-pressed": "false" }, form);
  const reset = make("button", { type: "button", text: "Reset" }, form);
  const rate = numberField(form, "learning rate", PAGE.mlp.learning_rate, "finite and > 0");
  const seed = numberField(form, "initial weights seed", PAGE.mlp.init_seed, "a whole number");
  const readout = make("p", {}, form);
  readout.style.cssText = "flex-basis: 100%; margin: 0";
  const out = announcer(form);

  let points = [];
  let labels = [];
  const start = () => {
    if (core.mlp_blobs(BigInt(PAGE.data_seed), PAGE.points) !== 0) { out.textContent = error(); return false; }
    const len = core.mlp_points_len();
    points = f64(core.mlp_points(), 2 * len);
    labels = f64(core.mlp_labels(), len);
    const s = Number(seed.value);
    if (!Number.isInteger(s) || s < 0) { out.textContent = "The initial weights seed must be a whole number \u2265 0."; return false; }
    core.mlp_init(BigInt(s), BigInt(PAGE.mlp.seed));
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
    const image = ctx.createImageData(n, n);
    for (let k = 0; k < n * n; k++) {
      // Band of the figure's 12 equal bands over [-top, top]; row 0 of the grid is the bottom.
      const band = Math.min(11, Math.max(0, Math.floor(((grid[k] + top) / (2 * top)) * 12)));
      const [r, g, b] = colour(band / 11);
      const row = n - 1 - Math.floor(k / n);
      const o = 4 * (row * n + (k % n));
      image.data.set([r, g, b, 255], o);
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
    make("image", { href: canvas.toDataURL(), x: u0, y: v0, width: u1 - u0, height: v1 - v0, preserveAspectRatio: "none", style: "image-rendering: pixelated" }, layer, SVG_NS);
    make("path", { d, fill: "none", stroke: "#000000", "stroke-width": "2" }, layer, SVG_NS);
    make("path", { d: blue, stroke: "#143c8c", "stroke-opacity": "0.5", "stroke-width": "4", "stroke-linecap": "round", fill: "none" }, layer, SVG_NS);
    make("path", { d: orange, stroke: "#aa3c00", "stroke-opacity": "0.5", "stroke-width": "4", "stroke-linecap": "round", fill: "none" }, layer, SVG_NS);
    const loss = core.mlp_loss();
    readout.textContent = `step ${core.mlp_iteration()}: mean loss ${show(loss)}, accuracy ${show(core.mlp_accuracy())}`;
    return loss;
  };

  /** `steps` SGD steps at the current learning rate; false (with the core's message) on an error. */
  const train = (steps) => {
    if (core.mlp_train(steps, Number(rate.value)) !== 0) {
      out.textContent = `The core stopped: ${error()}`;
      return false;
    }
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
    if (dragged >= 0) svg.setPointerCapture(e.pointerId);
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

  if (start()) {
    // The static figure stays until the reader starts the net.
    mlp.steps = (steps) => { start(); while (steps > 0) { const k = Math.min(steps, 100000); if (!train(k)) return null; steps -= k; } return redraw(); };
  }
}

// For the browser check: the loss after `steps` steps from the seeded start, as f64 bits.
globalThis.unrolledExplorer = {
  mlpLossBits(steps) {
    const loss = mlp.steps ? mlp.steps(steps) : null;
    if (loss === null) return null;
    const bits = new BigUint64Array(new Float64Array([loss]).buffer);
    return bits[0].toString(16).padStart(16, "0");
  },
};
