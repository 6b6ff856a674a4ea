// What the page says when it cannot show a result: in the page's own words (the field's title as the page shows
// it, and what to do), not the API's (`body.labels must NOT have fewer than 1 items. See /openapi.json.`).

/** Titles of the request fields, from the task's chips and inputs, plus the fields every task has. */
export function fieldTitles(task) {
  const titles = { text: "Text", threshold: "Threshold", instruction: "Instruction" };
  for (const spec of [...(task.chips ?? []), ...(task.inputs ?? [])]) titles[spec.name] = spec.title;
  return titles;
}

/** Checks the form before anything is sent: a hint for what is missing, or undefined. */
export function missingInput(task, text, fields) {
  if (text.trim() === "") return "The text is empty: type or paste a text, then press Run.";
  for (const spec of task.chips ?? []) {
    if ((fields[spec.name] ?? []).length === 0) return `${spec.title}: add at least one (type it in the box and press Enter).`;
  }
  for (const spec of task.inputs ?? []) {
    if (String(fields[spec.name] ?? "").trim() === "") return `${spec.title} is empty: fill it in, then press Run.`;
  }
  return undefined;
}

const RULES = [
  [/must NOT have fewer than 1 items/, (t) => `${t}: add at least one.`],
  [/must NOT have more than (\d+) items/, (t, n) => `${t}: at most ${n} on this server; remove some.`],
  [/must NOT have fewer than 1 characters|must contain a non-space character/, (t) => `${t} is empty: fill it in.`],
  [/must NOT have more than (\d+) characters/, (t, n) => `${t} is longer than this server accepts (${n} characters); shorten it.`],
  [/must be (<=?|>=?) (-?\d+(?:\.\d+)?)/, (t, op, n) => `${t} must be ${op.replace("<=", "at most").replace(">=", "at least").replace("<", "below").replace(">", "above")} ${n}.`],
];

/** A server or engine error message rewritten for the page; unknown messages lose only the API pointers. */
export function plainMessage(message, titles) {
  const text = String(message).replace(/^Invalid request: /, "").replace(/\s*See \/openapi\.json( or \/docs)?\.?$/, "");
  const field = /^body\.([A-Za-z]+)(?:\[(\d+)\])?\s/.exec(text);
  if (field) {
    const title = titles[field[1]] ?? field[1];
    const which = field[2] === undefined ? title : `${title} #${Number(field[2]) + 1}`;
    for (const [pattern, say] of RULES) {
      const match = pattern.exec(text);
      if (match) return say(which, ...match.slice(1));
    }
    return `${which}: ${text.slice(field[0].length)}.`;
  }
  if (text.startsWith("body ")) return `The request ${text.slice(5)}.`;
  if (/^Failed to fetch|NetworkError|Load failed/.test(text)) return "The server cannot be reached: check that `gliner-ts serve` is still running, then run again.";
  return text;
}
