/** The record field every task needs, read into a RecordError that names the line and the fix. */
import { type JsonObject, kindOf, RecordError } from "../documents.js";

/** The record's `text`, which every task needs. */
export function textField(record: JsonObject, line: number): string {
  const value = record["text"];
  if (typeof value !== "string") {
    throw new RecordError("INVALID_RECORD", `line ${line}: "text" must be a string; got ${value === undefined ? "nothing" : kindOf(value)}.`);
  }
  return value;
}
