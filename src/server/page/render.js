// Drawing results: the text with highlighted spans (nested when spans nest), a colour per label, the score in a
// tooltip, arrows between related spans, and the JSON view. Offsets are UTF-16, as the /v1 API returns them.

const PALETTE = [
  "#6366f1", "#0ea5e9", "#10b981", "#f59e0b", "#ef4444", "#8b5cf6", "#14b8a6", "#ec4899", "#84cc16", "#f97316",
];
const FIXED = { positive: "#16a34a", negative: "#dc2626", neutral: "#64748b", answer: "#0ea5e9", summary: "#8b5cf6", "key phrase": "#f59e0b" };

/** Stable colours: known labels first in the order given, then any label the result adds. */
export function colourMap(labels) {
  const map = new Map();
  for (const label of labels) if (!map.has(label)) map.set(label, FIXED[label] ?? PALETTE[map.size % PALETTE.length]);
  return {
    get(label) {
      if (!map.has(label)) map.set(label, FIXED[label] ?? PALETTE[map.size % PALETTE.length]);
      return map.get(label);
    },
    entries: () => [...map.entries()],
  };
}

/**
 * Renders `text` into `container` with `spans` ({start, end, label, score}) highlighted. Spans over the same
 * range merge into one mark listing every label; nested spans nest; a span crossing another is split in two.
 * Each mark carries `data-key="start:end"` so arrows can find it.
 */
export function renderSpans(container, text, spans, colours) {
  container.replaceChildren();
  const groups = new Map();
  for (const span of spans) {
    const key = `${span.start}:${span.end}`;
    if (!groups.has(key)) groups.set(key, { start: span.start, end: span.end, items: [] });
    groups.get(key).items.push(span);
  }
  const ordered = [...groups.values()].sort((a, b) => a.start - b.start || b.end - a.end);
  const root = { end: text.length, node: container, children: [] };
  const stack = [root];
  let cursor = 0;
  const emitText = (until) => {
    if (until > cursor) stack.at(-1).node.append(text.slice(cursor, until));
    cursor = Math.max(cursor, until);
  };
  const closeUntil = (position) => {
    while (stack.length > 1 && stack.at(-1).end <= position) {
      emitText(stack.at(-1).end);
      finishMark(stack.pop());
    }
  };
  const queue = [...ordered];
  while (queue.length > 0) {
    const group = queue.shift();
    closeUntil(group.start);
    const parent = stack.at(-1);
    let end = group.end;
    if (end > parent.end) {
      // Crossing spans cannot nest: draw the part inside the parent now and the rest after it.
      queue.unshift({ ...group, start: parent.end });
      queue.sort((a, b) => a.start - b.start || b.end - a.end);
      end = parent.end;
    }
    if (end <= Math.max(group.start, cursor)) continue;
    emitText(group.start);
    const mark = document.createElement("mark");
    const colour = colours.get(group.items[0].label);
    mark.style.setProperty("--c", colour);
    mark.dataset.key = `${group.start}:${group.end}`;
    mark.dataset.tip = group.items.map((s) => `${s.label} · ${formatScore(s.score)}`).join("\n");
    mark.className = stack.length > 1 ? "span nested" : "span";
    parent.node.append(mark);
    stack.push({ end, node: mark, items: group.items, colours });
  }
  closeUntil(Infinity);
  emitText(text.length);
}

function finishMark(entry) {
  const tag = document.createElement("span");
  tag.className = "tag";
  tag.textContent = [...new Set(entry.items.map((s) => s.label))].join(" · ");
  entry.node.append(tag);
}

export function formatScore(score) {
  return typeof score === "number" ? score.toFixed(3) : "";
}

/** Legend chips: one per label present, with its count. */
export function renderLegend(container, spans, colours) {
  container.replaceChildren();
  const counts = new Map();
  for (const s of spans) counts.set(s.label, (counts.get(s.label) ?? 0) + 1);
  for (const [label, count] of counts) {
    const item = document.createElement("span");
    item.className = "legend-item";
    item.style.setProperty("--c", colours.get(label));
    item.textContent = `${label} `;
    const n = document.createElement("b");
    n.textContent = String(count);
    item.append(n);
    container.append(item);
  }
}

/** Curved arrows from each relation's source mark to its target mark, labelled with the relation. */
export function drawArrows(svg, wrap, relations) {
  svg.replaceChildren();
  const box = wrap.getBoundingClientRect();
  svg.setAttribute("width", String(wrap.scrollWidth));
  svg.setAttribute("height", String(wrap.scrollHeight));
  const ns = "http://www.w3.org/2000/svg";
  const defs = document.createElementNS(ns, "defs");
  const marker = (id, colour) =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`;
  // Two heads: a marker does not inherit the colour of the path that uses it.
  defs.innerHTML = marker("arrowhead", "#64748b") + marker("arrowhead-active", "#4f46e5");
  svg.append(defs);
  const lines = textLines(wrap, box);
  const placed = [];
  relations.forEach((relation, index) => {
    const from = wrap.querySelector(`mark[data-key="${relation.source.start}:${relation.source.end}"]`);
    const to = wrap.querySelector(`mark[data-key="${relation.target.start}:${relation.target.end}"]`);
    if (!from || !to) return;
    // The first line box of each span: a span wrapped over two lines has one rect per line.
    const a = from.getClientRects()[0] ?? from.getBoundingClientRect();
    const b = to.getClientRects()[0] ?? to.getBoundingClientRect();
    const x1 = a.left + a.width / 2 - box.left;
    const x2 = b.left + b.width / 2 - box.left;
    let d;
    const labelX = (x1 + x2) / 2;
    let labelY;
    if (Math.abs(a.top - b.top) < 4) {
      // Same line: an arc above it.
      const y = a.top - box.top - 2;
      const lift = Math.min(34, 14 + Math.abs(x2 - x1) / 12);
      d = `M${x1},${y} C${x1},${y - lift} ${x2},${y - lift} ${x2},${y}`;
      labelY = y - lift * 0.75 - 3;
    } else {
      // Different lines: from the edge of the source facing the target to the facing edge of the target.
      const down = b.top > a.top;
      const y1 = (down ? a.bottom : a.top) - box.top + (down ? 2 : -2);
      const y2 = (down ? b.top : b.bottom) - box.top + (down ? -2 : 2);
      const bend = (y2 - y1) / 2;
      d = `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}`;
      labelY = (y1 + y2) / 2 + 4;
    }
    const group = document.createElementNS(ns, "g");
    group.classList.add("arrow");
    group.dataset.index = String(index);
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", d);
    path.setAttribute("marker-end", "url(#arrowhead)");
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", String(labelX));
    label.setAttribute("y", String(labelY));
    label.setAttribute("text-anchor", "middle");
    label.textContent = relation.relation;
    group.append(path, label);
    svg.append(group);
    placed.push(clearOfText(label, lines, placed));
  });
}

/** Rects of every line of text in the wrap (marks and tags included), in the wrap's coordinates. */
function textLines(wrap, box) {
  const range = document.createRange();
  range.selectNodeContents(wrap.querySelector(".doc") ?? wrap);
  return [...range.getClientRects()]
    .filter((r) => r.width > 0 && r.height > 0)
    .map((r) => ({ left: r.left - box.left, right: r.right - box.left, top: r.top - box.top, bottom: r.bottom - box.top }));
}

const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/**
 * Moves a relation's label up, into the gap above the text it would cover, until it covers no text and no other
 * label; returns its final box (in the wrap's coordinates, padded by 2 px).
 */
function clearOfText(label, lines, placed) {
  for (let attempt = 0; attempt < 24; attempt++) {
    const b = label.getBBox();
    const rect = { left: b.x - 2, right: b.x + b.width + 2, top: b.y - 2, bottom: b.y + b.height + 2 };
    const hit = [...lines, ...placed].find((r) => overlaps(rect, r));
    if (!hit) return rect;
    label.setAttribute("y", String(Number(label.getAttribute("y")) - (rect.bottom - hit.top) - 1));
  }
  const b = label.getBBox();
  return { left: b.x, right: b.x + b.width, top: b.y, bottom: b.y + b.height };
}

/** Pretty JSON with a few colours; built from text nodes only (no innerHTML of data). */
export function renderJson(pre, value) {
  pre.replaceChildren();
  const json = JSON.stringify(value, null, 2);
  const pattern = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;
  let last = 0;
  for (const match of json.matchAll(pattern)) {
    pre.append(json.slice(last, match.index));
    const span = document.createElement("span");
    span.className = match[2] ? "j-key" : match[1] ? "j-str" : match[3] ? "j-lit" : "j-num";
    span.textContent = match[1] ?? match[0];
    pre.append(span);
    if (match[2]) pre.append(match[2]);
    last = match.index + match[0].length;
  }
  pre.append(json.slice(last));
}

/** Tooltip that follows the innermost mark under the pointer. */
export function installTooltip(root, tooltip) {
  root.addEventListener("mouseover", (event) => {
    const mark = event.target instanceof Element ? event.target.closest("mark[data-tip]") : null;
    if (!mark) return void (tooltip.hidden = true);
    tooltip.textContent = mark.dataset.tip;
    tooltip.hidden = false;
    const r = mark.getBoundingClientRect();
    const maxLeft = document.documentElement.clientWidth - tooltip.offsetWidth - 8;
    tooltip.style.left = `${Math.max(8, Math.min(maxLeft, r.left + r.width / 2 - tooltip.offsetWidth / 2)) + window.scrollX}px`;
    // Above the mark while that stays inside the text's box; otherwise below it, never over the status line.
    const above = r.top - tooltip.offsetHeight - 8;
    const top = above >= root.getBoundingClientRect().top ? above : r.bottom + 8;
    tooltip.style.top = `${top + window.scrollY}px`;
  });
  root.addEventListener("mouseleave", () => (tooltip.hidden = true));
}
