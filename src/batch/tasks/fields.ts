/**
 * What the tasks share: reading a record's fields (with the run's setting as fallback) into RecordErrors that
 * name the line and the fix, running a batch in groups of identical call options, and the model as the task
 * helpers see it.
 */
import { type JsonObject, kindOf, RecordError } from "../documents.js";

/** A record's string field, or the run's setting when the record has none. */
export function stringField(record: JsonObject, field: string, line: number, fallback: string | undefined, flag: string): string {
  const value = record[field] ?? fallback;
  if (value === undefined) {
    throw new RecordError("INVALID_RECORD", `line ${line} has no "${field}" and the run has no ${flag}; add "${field}": "..." to the line or pass ${flag}.`);
  }
  if (typeof value !== "string") throw new RecordError("INVALID_RECORD", `line ${line}: "${field}" must be a string; got ${kindOf(value)}.`);
  return value;
}

/** A record's list of non-empty strings, or the run's setting; `undefined` when neither exists and none is required. */
export function stringListField(record: JsonObject, field: string, line: number, fallback: readonly string[] | undefined, flag: string | undefined): readonly string[] | undefined {
  const value = record[field];
  if (value === undefined) {
    if (fallback === undefined && flag !== undefined) {
      throw new RecordError("INVALID_RECORD", `line ${line} has no "${field}" and the run has no default ${field}; add "${field}": [...] to the line or pass ${flag}.`);
    }
    return fallback;
  }
  const fix = `must be a non-empty array of non-empty strings, e.g. ["person"]`;
  if (!Array.isArray(value)) throw new RecordError("INVALID_RECORD", `line ${line}: "${field}" ${fix}; got ${kindOf(value)}.`);
  if (value.length === 0) throw new RecordError("INVALID_RECORD", `line ${line}: "${field}" ${fix}; got an empty array.`);
  const bad = value.findIndex((l) => typeof l !== "string" || l.trim() === "");
  if (bad >= 0) {
    const got = typeof value[bad] === "string" ? "an empty string" : kindOf(value[bad]);
    throw new RecordError("INVALID_RECORD", `line ${line}: "${field}" ${fix}; item ${bad} is ${got}.`);
  }
  return value as string[];
}

/** The record's `text`, which every task needs. */
export function textField(record: JsonObject, line: number): string {
  const value = record["text"];
  if (typeof value !== "string") {
    throw new RecordError("INVALID_RECORD", `line ${line}: "text" must be a string; got ${value === undefined ? "nothing" : kindOf(value)}.`);
  }
  return value;
}

/**
 * Runs requests in groups whose call options are equal (`signature`), one batched call per group, and returns
 * the results in request order. Most runs have one group; records with their own labels or relations add more.
 */
export async function runGrouped<Request, Result>(
  requests: readonly Request[],
  signature: (request: Request) => string,
  run: (group: Request[]) => Promise<Result[]>,
): Promise<Result[]> {
  const groups = new Map<string, number[]>();
  requests.forEach((request, i) => {
    const key = signature(request);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [i]);
    else group.push(i);
  });
  const results: Result[] = new Array<Result>(requests.length);
  for (const indices of groups.values()) {
    const out = await run(indices.map((i) => requests[i] as Request));
    indices.forEach((at, j) => (results[at] = out[j] as Result));
  }
  return results;
}
