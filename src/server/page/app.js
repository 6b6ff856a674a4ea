// The page: pick a task, edit the text and labels, run it on the server (or in the browser when the browser
// build is available), and look at the result highlighted in the text or as JSON.

import { chipInput } from "./chips.js";
import { browserEngine, fetchModelInfo, fetchThresholdDefaults, serverEngine } from "./engine.js";
import { fieldTitles, missingInput, plainMessage } from "./messages.js";
import { colourMap, drawArrows, installTooltip, renderJson, renderLegend, renderSpans } from "./render.js";
import { TASKS } from "./tasks.js";

const SAMPLE =
  "Apple CEO Tim Cook unveiled the iPhone 15 at the Steve Jobs Theater in Cupertino on September 12, 2023. " +
  "Analysts at Goldman Sachs called the launch a solid step, while Samsung shares fell 2% in Seoul.";

const $ = (id) => document.getElementById(id);
const state = {
  task: "ner",
  engines: { server: serverEngine() },
  engine: "server",
  fields: {},
  last: undefined,
  colours: colourMap([]),
  /** Default threshold per task, from the server's OpenAPI document (the task registry's defaults). */
  thresholds: {},
};

function buildTaskNav(available) {
  const nav = $("tasks");
  nav.replaceChildren();
  for (const [id, task] of Object.entries(TASKS)) {
    if (available && !available.includes(id)) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = task.title;
    button.dataset.task = id;
    button.setAttribute("aria-pressed", String(id === state.task));
    button.addEventListener("click", () => selectTask(id));
    nav.append(button);
  }
}

function selectTask(id) {
  state.task = id;
  const task = TASKS[id];
  document.querySelectorAll("#tasks button").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.task === id)));
  const box = $("task-fields");
  box.replaceChildren();
  state.fields = {};
  // Colours first, so the chips and the highlights of a label agree.
  state.colours = colourMap((task.chips ?? []).filter((c) => c.coloured).flatMap((c) => c.values));
  for (const spec of task.chips ?? []) {
    const field = fieldBlock(spec.title);
    const chips = chipInput({ ...spec, colourOf: spec.coloured ? (v) => state.colours.get(v) : undefined });
    field.append(chips.element);
    box.append(field);
    state.fields[spec.name] = () => chips.values;
  }
  for (const spec of task.inputs ?? []) {
    const field = fieldBlock(spec.title);
    const input = document.createElement(spec.multiline ? "textarea" : "input");
    if (spec.multiline) input.rows = 6;
    else input.type = "text";
    input.className = "text-input";
    input.value = spec.value;
    input.placeholder = spec.placeholder;
    input.name = spec.name;
    field.append(input);
    box.append(field);
    state.fields[spec.name] = () => input.value;
  }
  if (task.checks) {
    const row = document.createElement("div");
    row.className = "checks";
    for (const spec of task.checks) {
      const label = document.createElement("label");
      const box2 = document.createElement("input");
      box2.type = "checkbox";
      box2.name = spec.name;
      label.append(box2, ` ${spec.label}`);
      row.append(label);
      state.fields[spec.name] = () => box2.checked;
    }
    box.append(row);
  }
  setThreshold(state.thresholds[id] ?? Number($("threshold").defaultValue));
  clearResult();
}

function fieldBlock(title) {
  const block = document.createElement("div");
  block.className = "field";
  const label = document.createElement("span");
  label.className = "field-label";
  label.textContent = title;
  block.append(label);
  return block;
}

function setThreshold(value) {
  $("threshold").value = String(value);
  $("threshold-value").textContent = Number(value).toFixed(2);
}

function clearResult() {
  state.last = undefined;
  $("doc").replaceChildren(Object.assign(document.createElement("p"), { className: "placeholder", textContent: "Results appear here. Press Run." }));
  $("details").replaceChildren();
  $("legend").replaceChildren();
  $("arrows").replaceChildren();
  $("view-json").replaceChildren();
  setStatus("");
}

function setStatus(text, kind = "") {
  const status = $("status");
  status.textContent = text;
  status.className = `status ${kind}`;
}

async function run() {
  const task = TASKS[state.task];
  const text = $("text").value;
  const fields = Object.fromEntries(Object.entries(state.fields).map(([k, read]) => [k, read()]));
  const missing = missingInput(task, text, fields);
  if (missing !== undefined) {
    clearResult();
    return setStatus(missing, "hint");
  }
  const button = $("run");
  button.disabled = true;
  setStatus("Running…", "busy");
  const started = performance.now();
  try {
    const request = task.request(text, Number($("threshold").value), fields);
    const wordSplitter = $("word-splitter").value;
    if (wordSplitter !== "") request.wordSplitter = wordSplitter;
    const response = await state.engines[state.engine].run(state.task, request);
    const ms = Math.round(performance.now() - started);
    state.last = { text, response, task: state.task };
    show();
    setStatus(`${state.last.view.count} · ${ms} ms on the ${state.engine}`, "ok");
  } catch (error) {
    setStatus(plainMessage(error instanceof Error ? error.message : String(error), fieldTitles(task)), "error");
  } finally {
    button.disabled = false;
  }
}

function show() {
  const { text, response, task } = state.last;
  const view = TASKS[task].view(response, state.colours);
  state.last.view = view;
  renderSpans($("doc"), text, view.spans, state.colours);

  $("doc").classList.toggle("compact", Boolean(TASKS[task].compact));
  $("doc-wrap").classList.toggle("with-arrows", Boolean(view.relations?.length));
  // Many arrows: their names show on hover only, or they would cover each other.
  $("doc-wrap").classList.toggle("many-arrows", (view.relations?.length ?? 0) > 6);
  renderLegend($("legend"), view.spans, state.colours);
  $("details").replaceChildren(...(view.details ? [view.details] : view.spans.length === 0 ? [nothingFound()] : []));
  renderJson($("view-json"), response);
  requestAnimationFrame(redrawArrows);
}

/** Nothing highlighted and no list that says so: why, and what to try. */
function nothingFound() {
  const threshold = Number($("threshold").value).toFixed(2);
  return Object.assign(document.createElement("p"), { className: "empty", textContent: `Nothing above the threshold ${threshold}: lower it, or change the labels, and run again.` });
}

function redrawArrows() {
  const relations = state.last?.view?.relations ?? [];
  drawArrows($("arrows"), $("doc-wrap"), relations);
  if (state.activeRelation !== undefined) {
    document.querySelector(`.arrow[data-index="${state.activeRelation}"]`)?.classList.add("active");
  }
}

/** Emphasises one relation's arrow and its two spans (hovering its row in the list). */
function highlightRelation(row) {
  document.querySelectorAll(".arrow.active, mark.span.active").forEach((n) => n.classList.remove("active"));
  $("doc-wrap").classList.toggle("focus", row !== null);
  state.activeRelation = row?.dataset.index;
  if (!row) return;
  const relation = state.last?.view?.relations?.[Number(row.dataset.index)];
  if (!relation) return;
  document.querySelector(`.arrow[data-index="${row.dataset.index}"]`)?.classList.add("active");
  for (const end of [relation.source, relation.target]) document.querySelector(`mark[data-key="${end.start}:${end.end}"]`)?.classList.add("active");
}

function selectView(view) {
  document.querySelectorAll(".tabs button").forEach((b) => b.setAttribute("aria-selected", String(b.dataset.view === view)));
  $("view-visual").hidden = view !== "visual";
  $("view-json").hidden = view !== "json";
  if (view === "visual") requestAnimationFrame(redrawArrows);
}

function selectEngine(name) {
  if (!state.engines[name]) return;
  state.engine = name;
  document.querySelectorAll(".switch button").forEach((b) => b.setAttribute("aria-checked", String(b.dataset.engine === name)));
}

async function init() {
  $("text").value = SAMPLE;
  $("threshold").addEventListener("input", (e) => setThreshold(e.target.value));
  $("run").addEventListener("click", run);
  document.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") run();
  });
  document.querySelectorAll(".tabs button").forEach((b) => b.addEventListener("click", () => selectView(b.dataset.view)));
  document.querySelectorAll(".switch button").forEach((b) => b.addEventListener("click", () => selectEngine(b.dataset.engine)));
  window.addEventListener("resize", () => requestAnimationFrame(redrawArrows));
  installTooltip($("doc"), $("tooltip"));
  $("details").addEventListener("mouseover", (e) => highlightRelation(e.target instanceof Element ? e.target.closest("li[data-index]") : null));
  $("details").addEventListener("mouseleave", () => highlightRelation(null));

  state.thresholds = await fetchThresholdDefaults();
  buildTaskNav(undefined);
  selectTask("ner");
  const info = await fetchModelInfo();
  if (info) {
    $("model-info").textContent = `${info.source.split(/[\\/]/).filter(Boolean).pop()} · ${info.mode} model · ${info.maxLength} words per pass`;
    $("model-info").title = info.source;
    buildTaskNav(info.tasks);
  } else {
    $("model-info").textContent = "model not ready";
  }
  const browser = await browserEngine(info).catch(() => undefined);
  if (browser) {
    state.engines.browser = browser;
    const button = document.querySelector('.switch button[data-engine="browser"]');
    button.disabled = false;
    button.title = "Run the model in this browser (onnxruntime-web)";
  }
  document.body.dataset.ready = "true";
}

init();
