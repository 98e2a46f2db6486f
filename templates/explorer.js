// Shared by both lessons' explorers: the core compiled to WebAssembly, and the figures'
// plotting areas. Nothing here runs without a page that asks for it; with scripting off the
// page is the static course.

const SVG_NS = "http://www.w3.org/2000/svg";

/** Instantiate the core from base64; the module imports nothing. */
async function loadCore(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const { instance } = await WebAssembly.instantiate(bytes, {});
  const core = instance.exports;
  return {
    core,
    /** A copy of `len` f64 at `ptr` in the module's memory. */
    f64: (ptr, len) => new Float64Array(core.memory.buffer, ptr, len).slice(),
    /** Write `values` into the module's input buffer. */
    input(values) {
      new Float64Array(core.memory.buffer, core.input(), values.length).set(values);
    },
    /** The core's text for the last error. */
    error: () =>
      new TextDecoder().decode(
        new Uint8Array(core.memory.buffer, core.error_ptr(), core.error_len()),
      ),
  };
}

/** The plotting areas the figure code marks with `data-plot-box` and the axis ranges. */
function plotAreas(svg) {
  return [...svg.querySelectorAll("[data-plot-box]")].map((g) => {
    const [left, top, right, bottom] = g.dataset.plotBox.split(" ").map(Number);
    const [x0, x1] = g.dataset.xRange.split(" ").map(Number);
    const [y0, y1] = g.dataset.yRange.split(" ").map(Number);
    return {
      left, top, right, bottom, x0, x1, y0, y1,
      colourTop: Number(g.dataset.colourTop),
      yLog: g.dataset.yLog === "10",
      toPixel: (x, y) => [
        left + ((x - x0) / (x1 - x0)) * (right - left),
        bottom - ((y - y0) / (y1 - y0)) * (bottom - top),
      ],
      toData: (u, v) => [
        x0 + ((u - left) / (right - left)) * (x1 - x0),
        y0 + ((bottom - v) / (bottom - top)) * (y1 - y0),
      ],
      inside: (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1,
    };
  });
}

/** A pointer event's position in the SVG's own pixels. */
function svgPoint(svg, event) {
  const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(
    svg.getScreenCTM().inverse(),
  );
  return [p.x, p.y];
}

/** An element in `namespace` (HTML if null) with attributes, appended to `parent`. */
function make(tag, attributes = {}, parent = null, namespace = null) {
  const e = namespace ? document.createElementNS(namespace, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) {
    if (k === "text") e.textContent = v;
    else e.setAttribute(k, v);
  }
  if (parent) parent.append(e);
  return e;
}

/** The explorer's controls after `figure`: a form laid out in one wrapping row. */
function controls(figure, label, intro) {
  const form = make("form", { class: "explorer", "aria-label": label });
  form.style.cssText = "display: flex; flex-wrap: wrap; gap: 0.4em 1.2em; align-items: baseline; margin: 0 0 1.5em";
  figure.after(form);
  make("p", { text: intro }, form).style.cssText = "flex-basis: 100%; margin: 0";
  return form;
}

/** The explorer's announcement: a polite live region on a line of its own. */
function announcer(form) {
  const out = make("output", { "aria-live": "polite" }, form);
  out.style.cssText = "flex-basis: 100%";
  return out;
}

/** A labelled number input inside `form`. */
function numberField(form, label, value, hint) {
  const wrap = make("label", {}, form);
  wrap.append(label + " ");
  const input = make("input", { type: "text", inputmode: "decimal", value: String(value), size: "8", title: hint }, wrap);
  return input;
}

/** A number as people read it: 6 significant digits, a typographic minus. */
function show(x) {
  return Number.isFinite(x) ? Number(x.toPrecision(6)).toString().replace("-", "\u2212") : String(x);
}

/** A u32 for the module from a text field: non-integers and out-of-range values become 0, which the core refuses by name. */
function count(text) {
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 && n <= 4294967295 ? n : 0;
}
