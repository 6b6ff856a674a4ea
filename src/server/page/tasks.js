// The page's tasks: which inputs each one needs, the request it sends to `POST /v1/<task>`, and how its
// answer is shown (highlighted spans, arrows, a list). The request and answer shapes are the /v1 API's.

import { formatScore } from "./render.js";

const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

function scoredList(items) {
  const list = el("ol", "result-list");
  items.forEach(({ main, aside, score, colour }, index) => {
    const li = el("li");
    li.dataset.index = String(index);
    if (colour) li.style.setProperty("--c", colour);
    li.append(el("span", "main", main));
    if (aside) li.append(el("span", "aside", aside));
    li.append(el("span", "score", formatScore(score)));
    list.append(li);
  });
  return list;
}

const empty = (what) => el("p", "empty", `No ${what} above the threshold. Lower it and run again.`);

const SCHEMA_EXAMPLE = {
  entities: ["person", "company", "product", "location", "date"],
  classifications: { topic: ["technology", "finance", "sports"] },
  structures: { launch: ["product::str", "company::str", "date::str", "venue::str"] },
  relations: ["ceo_of", "located_in"],
};

function parseSchema(source) {
  try {
    return JSON.parse(source);
  } catch (error) {
    throw new Error(`The schema is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const isSpan = (v) => v !== null && typeof v === "object" && Number.isInteger(v.start) && Number.isInteger(v.end);
const asList = (v) => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]);
const valueText = (v) => (typeof v === "string" ? v : v.text ?? v.label);

/** GLiNER2 results (Python gliner2 shapes): every span highlighted, relations as arrows, the rest listed. */
function schemaView(result) {
  const spans = [];
  const relations = [];
  const rows = [];
  const span = (v, label) => isSpan(v) && spans.push({ start: v.start, end: v.end, text: v.text, label, score: v.confidence ?? 1 });
  for (const [key, value] of Object.entries(result)) {
    if (key === "entities") {
      for (const [label, found] of Object.entries(value)) for (const v of asList(found)) span(v, label);
    } else if (key === "relation_extraction") {
      for (const [name, instances] of Object.entries(value)) {
        for (const x of instances) {
          if (!isSpan(x.head) || !isSpan(x.tail)) continue;
          span(x.head, name);
          span(x.tail, name);
          relations.push({ source: x.head, target: x.tail, relation: name });
          rows.push({ main: `${x.head.text} → ${x.tail.text}`, aside: name, score: Math.min(x.head.confidence ?? 1, x.tail.confidence ?? 1) });
        }
      }
    } else if (Array.isArray(value) && value.every((v) => v !== null && typeof v === "object" && !("label" in v))) {
      value.forEach((instance, i) => {
        const parts = [];
        for (const [field, found] of Object.entries(instance)) {
          for (const v of asList(found)) span(v, `${key}.${field}`);
          parts.push(`${field}: ${asList(found).map(valueText).join(", ") || "—"}`);
        }
        rows.push({ main: parts.join(" · "), aside: `${key} #${i + 1}`, score: undefined });
      });
    } else {
      for (const v of asList(value)) rows.push({ main: valueText(v), aside: key, score: typeof v === "object" ? v.confidence : undefined });
    }
  }
  return {
    spans,
    relations,
    count: `${spans.length} spans, ${rows.length} other results`,
    details: rows.length === 0 ? null : scoredList(rows),
  };
}

/** @type {Record<string, object>} keyed by the route name under /v1 */
export const TASKS = {
  ner: {
    title: "Entities",
    chips: [{ name: "labels", title: "Labels", placeholder: "Add a label…", values: ["person", "organization", "location", "date", "product"], coloured: true }],
    checks: [
      { name: "nested", label: "Nested spans" },
      { name: "multiLabel", label: "Several labels per span" },
    ],
    request: (text, threshold, f) => ({ text, labels: f.labels, threshold, flatNer: !f.nested, multiLabel: f.multiLabel }),
    view: (r) => ({ spans: r.entities, count: `${r.entities.length} entities` }),
  },
  relations: {
    title: "Relations",
    chips: [
      { name: "entityLabels", title: "Entity types", placeholder: "Add an entity type…", values: ["person", "organization", "location", "product"], coloured: true },
      { name: "relations", title: "Relations", placeholder: "Add a relation…", values: ["CEO of", "located in", "announced"] },
    ],
    request: (text, threshold, f) => ({ text, relations: f.relations, entityLabels: f.entityLabels, entityThreshold: threshold, relationThreshold: threshold }),
    view: (r, colours) => {
      const spans = uniqueSpans(r.relations.flatMap((x) => [x.source, x.target]));
      return {
        spans,
        relations: r.relations,
        count: `${r.relations.length} relations`,
        details: r.relations.length === 0
          ? empty("relations")
          : scoredList(r.relations.map((x) => ({ main: `${x.source.text} → ${x.target.text}`, aside: x.relation, score: x.score, colour: colours.get(x.source.label) }))),
      };
    },
  },
  qa: {
    title: "Question answering",
    compact: true,
    inputs: [{ name: "question", title: "Question", placeholder: "Ask a question about the text", value: "Who is the CEO of Apple?" }],
    request: (text, threshold, f) => ({ text, question: f.question, threshold }),
    view: (r) => ({
      spans: r.answers.map((a) => ({ ...a, label: "answer" })),
      count: `${r.answers.length} answers`,
      details: r.answers.length === 0 ? empty("answer") : scoredList(r.answers.map((a) => ({ main: a.text, score: a.score }))),
    }),
  },
  summarize: {
    title: "Summary",
    compact: true,
    request: (text, threshold) => ({ text, threshold }),
    view: (r) => {
      const box = el("blockquote", "summary", r.summary || "—");
      return { spans: r.spans.map((s) => ({ ...s, label: "summary" })), count: `${r.spans.length} spans`, details: r.spans.length === 0 ? empty("summary spans") : box };
    },
  },
  classify: {
    title: "Classification",
    chips: [{ name: "classes", title: "Classes", placeholder: "Add a class…", values: ["technology", "sports", "politics", "business"], coloured: true }],
    checks: [{ name: "multiLabel", label: "Several classes" }],
    request: (text, threshold, f) => ({ text, classes: f.classes, threshold, multiLabel: f.multiLabel }),
    view: (r, colours) => {
      const bars = el("div", "bars");
      for (const c of r.classifications) {
        const row = el("div", "bar");
        row.style.setProperty("--c", colours.get(c.label));
        row.style.setProperty("--w", `${Math.round(c.score * 100)}%`);
        row.append(el("span", "bar-label", c.label), el("span", "bar-track"), el("span", "score", formatScore(c.score)));
        bars.append(row);
      }
      return { spans: [], count: r.classifications[0] ? `class: ${r.classifications[0].label}` : "no class", details: bars };
    },
  },
  extract: {
    title: "Open extraction",
    inputs: [{ name: "prompt", title: "Instruction", placeholder: "Instruction, e.g. Find all company names", value: "Find every product and the company that makes it:" }],
    chips: [{ name: "labels", title: "Labels", placeholder: "Add a label…", values: ["product", "company"], coloured: true }],
    request: (text, threshold, f) => ({ text, instruction: f.prompt, labels: f.labels, threshold }),
    view: (r) => ({ spans: r.entities, count: `${r.entities.length} spans` }),
  },
  sentiment: {
    title: "Sentiment",
    request: (text, threshold) => ({ text, threshold }),
    view: (r) => ({
      spans: r.sentiments.map((s) => ({ ...s, label: s.polarity })),
      count: `${r.sentiments.length} opinions`,
      details: r.sentiments.length === 0 ? empty("opinions") : null,
    }),
  },
  schema: {
    title: "Schema (GLiNER2)",
    inputs: [{ name: "schema", title: "Schema (JSON): entities, classifications, structures, relations", multiline: true, placeholder: '{"entities": ["person"]}', value: JSON.stringify(SCHEMA_EXAMPLE, null, 1) }],
    request: (text, threshold, f) => ({ text, schema: parseSchema(f.schema), threshold, includeConfidence: true, includeSpans: true }),
    view: (r) => schemaView(r.result),
  },
  keyphrases: {
    title: "Key phrases",
    compact: true,
    request: (text, threshold) => ({ text, threshold }),
    view: (r) => ({
      spans: r.keyphrases.flatMap((k) => k.mentions.map((m) => ({ ...m, label: "key phrase" }))),
      count: `${r.keyphrases.length} phrases`,
      details: r.keyphrases.length === 0 ? empty("key phrases") : scoredList(r.keyphrases.map((k) => ({ main: k.phrase, aside: `×${k.mentions.length}`, score: k.score }))),
    }),
  },
};

function uniqueSpans(spans) {
  const seen = new Map();
  for (const s of spans) {
    const key = `${s.start}:${s.end}:${s.label}`;
    if (!seen.has(key)) seen.set(key, s);
  }
  return [...seen.values()];
}
