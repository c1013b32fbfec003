// The map of the corpus: every placed paper a dot at its (x, y) from
// GET /api/map (coordinates in [-1, 1], up is +y), coloured by cluster, the
// reader's saved and liked papers outlined, clusters labelled at their
// centres. Clicking the map lists the papers within a few pixels of the
// click (GET /api/map/papers with a rectangle); the cluster buttons list a
// cluster's papers. Drawn on a canvas: thousands of dots, no chart library.
import { get } from "../api.js";
import { announce, h, notice, pageTitle, replace } from "../dom.js";
import { errorNotice, paperCard, signInNotice } from "../papers.js";
import { session } from "../session.js";

/** Space around the plot, in CSS pixels (the browser test places clicks with it). */
export const PAD = 16;
/** Half the side of the square a click selects, in CSS pixels. */
const REACH = 12;
const COLOURS = ["#1d4ed8", "#c2410c", "#15803d", "#7c3aed", "#be123c", "#0e7490", "#a16207", "#4d7c0f", "#9d174d", "#334155", "#0369a1", "#b45309"];

export async function render(view, ctx) {
  if (!session.reader) {
    replace(view, pageTitle("Map of the corpus"), signInNotice());
    return;
  }
  replace(view, pageTitle("Map of the corpus"), h("p", { className: "muted" }, "Loading the map…"));
  let map;
  try {
    map = await get("/api/map");
  } catch (error) {
    replace(view, pageTitle("Map of the corpus"), errorNotice(error, "The map"));
    return;
  }
  if (!ctx.isCurrent()) return;
  const { points, clusters, saved } = map;
  const canvas = h("canvas", {
    className: "corpus-map",
    role: "img",
    "aria-label": `Map of ${points.ids.length} papers in ${clusters.length} clusters; your saved papers are outlined. Click a region to list its papers, or use the cluster buttons below.`,
  });
  const results = h("section", { "aria-labelledby": "region-heading", className: "map-results" }, h("h2", { id: "region-heading" }, "Papers"), h("p", { className: "muted" }, "Click the map or a cluster to list its papers."));
  const legend = h(
    "p",
    { className: "muted small" },
    saved.length
      ? `${saved.length} of your saved or liked papers are outlined in black.`
      : ["You have no saved papers on the map yet; ", h("a", { href: "/onboarding" }, "rate a few papers"), " to start."],
    map.current ? "" : " The papers changed since this map was drawn; a new one is being computed.",
    ` ${points.ids.length.toLocaleString("en")} of ${map.corpusSize.toLocaleString("en")} papers placed.`,
  );
  const clusterButtons = h(
    "div",
    { className: "chips", role: "group", "aria-label": "Clusters" },
    clusters.map((c) =>
      h(
        "button",
        { type: "button", className: "chip map-cluster", dataset: { cluster: String(c.id), colour: COLOURS[c.id % COLOURS.length] }, onClick: () => listCluster(c) },
        `${c.label || `Cluster ${c.id}`} (${c.size})`,
      ),
    ),
  );
  replace(
    view,
    pageTitle("Map of the corpus"),
    h("p", { className: "lead" }, "Papers placed by their words: near each other when they share vocabulary. Colours are clusters, labelled by their top words."),
    legend,
    h("div", { className: "map-frame" }, canvas),
    h("h2", {}, "Clusters"),
    clusterButtons,
    results,
  );
  let selection;
  const draw = () => drawMap(canvas, map, selection);
  draw();

  canvas.addEventListener("click", (event) => {
    const rect = canvas.getBoundingClientRect();
    const px = event.clientX - rect.left;
    const py = event.clientY - rect.top;
    const { toMapX, toMapY } = scales(rect.width, rect.height);
    const x0 = Math.max(-1, toMapX(px - REACH));
    const x1 = Math.min(1, toMapX(px + REACH));
    const y0 = Math.max(-1, toMapY(py + REACH));
    const y1 = Math.min(1, toMapY(py - REACH));
    selection = { px, py };
    draw();
    if (x0 > x1 || y0 > y1) {
      replace(results, h("h2", { id: "region-heading" }, "Papers here"), notice("info", "That is outside the map."));
      return;
    }
    void list({ x0: x0.toFixed(4), y0: y0.toFixed(4), x1: x1.toFixed(4), y1: y1.toFixed(4) }, "Papers here");
  });

  function listCluster(cluster) {
    selection = undefined;
    draw();
    void list({ cluster: cluster.id }, `Cluster: ${cluster.label || cluster.id}`);
  }

  async function list(params, title) {
    let page;
    try {
      page = await get("/api/map/papers", { ...params, limit: 20 });
    } catch (error) {
      replace(results, h("h2", { id: "region-heading" }, title), errorNotice(error, "The map's papers"));
      return;
    }
    if (!ctx.isCurrent()) return;
    replace(
      results,
      h("h2", { id: "region-heading" }, title),
      page.total === 0
        ? notice("info", "No papers there. Click closer to the dots.")
        : [
            h("p", { className: "muted" }, page.total > page.items.length ? `The ${page.items.length} nearest of ${page.total} papers.` : `${page.total} ${page.total === 1 ? "paper" : "papers"}.`),
            h("ol", { className: "cards" }, page.items.map((paper) => h("li", {}, paperCard(paper, { headingLevel: 3 })))),
          ],
    );
    announce(`${title}: ${page.total} papers`);
  }
}

/** Pixel ↔ map coordinate conversions for a plot of `width` × `height` CSS pixels. */
function scales(width, height) {
  const w = width - 2 * PAD;
  const hgt = height - 2 * PAD;
  return {
    toPx: (x) => PAD + ((x + 1) / 2) * w,
    toPy: (y) => PAD + ((1 - y) / 2) * hgt,
    toMapX: (px) => ((px - PAD) / w) * 2 - 1,
    toMapY: (py) => 1 - ((py - PAD) / hgt) * 2,
  };
}

function drawMap(canvas, map, selection) {
  const width = canvas.parentElement.clientWidth || 800;
  const height = Math.round(width * 0.7);
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const g = canvas.getContext("2d");
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, width, height);
  const { toPx, toPy } = scales(width, height);
  const { points, clusters, saved } = map;
  g.globalAlpha = 0.55;
  for (let i = 0; i < points.ids.length; i++) {
    g.fillStyle = COLOURS[points.cluster[i] % COLOURS.length];
    g.fillRect(toPx(points.x[i]) - 1.5, toPy(points.y[i]) - 1.5, 3, 3);
  }
  g.globalAlpha = 1;
  g.lineWidth = 1.5;
  g.strokeStyle = "#111827";
  for (const i of saved) {
    g.beginPath();
    g.arc(toPx(points.x[i]), toPy(points.y[i]), 4.5, 0, 2 * Math.PI);
    g.fillStyle = COLOURS[points.cluster[i] % COLOURS.length];
    g.fill();
    g.stroke();
  }
  g.font = "600 12px system-ui, sans-serif";
  g.textAlign = "center";
  g.lineJoin = "round";
  for (const c of clusters) {
    const text = c.label || `cluster ${c.id}`;
    const half = g.measureText(text).width / 2 + 2;
    const x = Math.min(width - half, Math.max(half, toPx(c.x)));
    const y = toPy(c.y);
    g.lineWidth = 4;
    g.strokeStyle = "rgba(255,255,255,0.9)";
    g.strokeText(text, x, y);
    g.fillStyle = "#111827";
    g.fillText(text, x, y);
  }
  if (selection) {
    g.lineWidth = 1.5;
    g.strokeStyle = "#111827";
    g.setLineDash([4, 3]);
    g.strokeRect(selection.px - REACH, selection.py - REACH, 2 * REACH, 2 * REACH);
    g.setLineDash([]);
  }
}
