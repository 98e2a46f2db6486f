// Lesson 1's explorer: on each Rprop-path figure, click or drag a start point and the core's
// own Rprop (or plain gradient descent) runs from there on the page's dataset.
{% include "explorer.js" %}

const PAGE = {{ {
  "datasets": {
    "binary": {"xs": r.rnn.binary.data.xs, "ts": r.rnn.binary.data.ts, "rprop": r.rnn.binary.rprop.settings, "descent": r.rnn.binary.gradient_descent.settings},
    "variant": {"xs": r.rnn.variant.data.xs, "ts": r.rnn.variant.data.ts, "rprop": r.rnn.variant.rprop.settings, "descent": r.rnn.variant.gradient_descent.settings}
  },
  "test_sequence": r.rnn.binary.test_sequence.sequence
} | tojson }};

const { core, f64, input, error } = await loadCore("{{ wasm('rnn') }}");
const runs = {};

function explorer(figure) {
  const key = figure.dataset.explorer;
  const data = PAGE.datasets[key];
  // The figure's panels (overview and zoom), each an SVG with its own plotting area.
  const svgs = [...figure.querySelectorAll("svg")].filter((svg) => svg.querySelector("[data-plot-box]"));
  if (!data || svgs.length === 0) return;
  const areas = svgs.flatMap((svg) => plotAreas(svg).map((a) => ({ ...a, svg })));
  const layers = areas.map((a) => make("g", { "aria-hidden": "true" }, a.svg, SVG_NS));
  const s = data.rprop;

  const form = controls(figure, `Run the core from a start point (${key} sequences)`,
    "Click or drag on the figure to start from there, or type a start and press Run. The core runs in this page, compiled to WebAssembly.");
  const method = make("select", {}, make("label", { text: "Method " }, form));
  make("option", { value: "rprop", text: "Rprop" }, method);
  make("option", { value: "descent", text: "gradient descent" }, method);
  const f = {
    w_x: numberField(form, "start w_x", s.start[0], "any finite number"),
    w_rec: numberField(form, "start w_rec", s.start[1], "any finite number"),
    eta_plus: numberField(form, "\u03b7\u207a", s.eta_plus, "finite and > 1"),
    eta_minus: numberField(form, "\u03b7\u207b", s.eta_minus, "in (0, 1)"),
    delta: numberField(form, "initial \u0394", s.delta_init[0], "finite and > 0"),
    rate: numberField(form, "learning rate", data.descent.learning_rate, "finite and > 0 (gradient descent)"),
    iterations: numberField(form, "iterations", s.iterations, "1 to 10000"),
  };
  make("button", { type: "submit", text: "Run" }, form);
  // The iterates as they are drawn (not announced), then the result (announced).
  const progress = make("p", {}, form);
  progress.style.cssText = "flex-basis: 100%; margin: 0";
  const out = announcer(form);

  const run = () => {
    input([...data.xs.flat(), ...data.ts]);
    if (core.rnn_set_data(data.ts.length, data.xs[0].length) !== 0) return { message: error() };
    const start = [Number(f.w_x.value), Number(f.w_rec.value)];
    const iterations = count(f.iterations.value);
    const failed = method.value === "rprop"
      ? core.rnn_rprop(start[0], start[1], Number(f.eta_plus.value), Number(f.eta_minus.value),
          Number(f.delta.value), Number(f.delta.value), s.prev_sign_init[0], s.prev_sign_init[1], iterations)
      : core.rnn_gradient_descent(start[0], start[1], Number(f.rate.value), iterations);
    const message = failed ? error() : "";
    const path = f64(core.rnn_path(), 3 * core.rnn_path_len());
    runs[key] = path;
    return { path, message, method: method.value, start };
  };

  const draw = (path, upTo) => {
    areas.forEach((a, i) => {
      let d = "";
      let pen = "M";
      for (let k = 0; k < upTo; k++) {
        const [x, y] = [path[3 * k], path[3 * k + 1]];
        if (!a.inside(x, y)) { pen = "M"; continue; }
        const [u, v] = a.toPixel(x, y);
        d += `${pen}${u.toFixed(1)} ${v.toFixed(1)}`;
        pen = "L";
      }
      layers[i].replaceChildren();
      make("path", { d, fill: "none", stroke: "#ffffff", "stroke-width": "4", "stroke-linejoin": "round" }, layers[i], SVG_NS);
      make("path", { d, fill: "none", stroke: "#b0124e", "stroke-width": "2", "stroke-linejoin": "round" }, layers[i], SVG_NS);
      const last = upTo - 1;
      if (last >= 0 && a.inside(path[3 * last], path[3 * last + 1])) {
        const [u, v] = a.toPixel(path[3 * last], path[3 * last + 1]);
        make("circle", { cx: u, cy: v, r: 5, fill: "#b0124e", stroke: "#ffffff", "stroke-width": "1.5" }, layers[i], SVG_NS);
      }
    });
  };

  const report = (result) => {
    const { path, message } = result;
    const n = path ? path.length / 3 : 0;
    if (n === 0) { out.textContent = `The core refused: ${message}`; return; }
    const [w_x, w_rec, loss] = [path[3 * n - 3], path[3 * n - 2], path[3 * n - 1]];
    input(PAGE.test_sequence);
    const y = core.rnn_output(PAGE.test_sequence.length, w_x, w_rec);
    const what = result.method === "rprop" ? "Rprop" : "Gradient descent";
    const target = PAGE.test_sequence.reduce((a, b) => a + b, 0);
    const stop = message ? ` stopped: ${message}. The last finite iterate` : ` ran ${n - 1} iterations and`;
    out.textContent = `${what} from (${show(result.start[0])}, ${show(result.start[1])})${stop} is w_x = ${show(w_x)}, w_rec = ${show(w_rec)} with loss ${show(loss)}; the output for the test sequence is ${show(y)} (target ${target}).`;
  };

  let frame = 0;
  const go = (animate) => {
    const result = run();
    cancelAnimationFrame(frame);
    progress.textContent = "";
    if (!result.path || result.path.length === 0) { draw([], 0); report(result); return; }
    const n = result.path.length / 3;
    if (!animate) { draw(result.path, n); report(result); return; }
    // Drawn as it goes: about half a second, whatever the iteration count.
    let k = 0;
    const step = () => {
      k = Math.min(n, k + Math.ceil(n / 30));
      draw(result.path, k);
      const [w_x, w_rec, loss] = [result.path[3 * k - 3], result.path[3 * k - 2], result.path[3 * k - 1]];
      progress.textContent = `iteration ${k - 1}: w_x = ${show(w_x)}, w_rec = ${show(w_rec)}, loss ${show(loss)}`;
      if (k < n) {
        frame = requestAnimationFrame(step);
      } else {
        report(result);
      }
    };
    step();
  };

  form.addEventListener("submit", (e) => { e.preventDefault(); go(true); });
  const startAt = (svg, event) => {
    const [u, v] = svgPoint(svg, event);
    const area = areas.find((a) => a.svg === svg && u >= a.left && u <= a.right && v >= a.top && v <= a.bottom);
    if (!area) return false;
    const [x, y] = area.toData(u, v);
    f.w_x.value = String(x);
    f.w_rec.value = String(y);
    return true;
  };
  let dragging = false;
  for (const svg of svgs) {
    svg.addEventListener("pointerdown", (e) => {
      if (!startAt(svg, e)) return;
      dragging = true;
      svg.setPointerCapture(e.pointerId);
      go(false);
    });
    svg.addEventListener("pointermove", (e) => { if (dragging && startAt(svg, e)) go(false); });
    svg.addEventListener("pointerup", () => { dragging = false; });
    svg.style.cursor = "crosshair";
    // On a phone the stacked panels fill the screen: a vertical swipe still scrolls the page,
    // a tap (or a sideways drag) picks the start.
    svg.style.touchAction = "pan-y";
  }
}

document.querySelectorAll("figure[data-explorer]").forEach(explorer);

// For the browser check: the last path of a figure, as the bits of each f64.
globalThis.unrolledExplorer = {
  path(key) {
    const p = runs[key];
    if (!p) return null;
    const bits = new BigUint64Array(p.buffer, p.byteOffset, p.length);
    return [...bits].map((b) => b.toString(16).padStart(16, "0"));
  },
};
