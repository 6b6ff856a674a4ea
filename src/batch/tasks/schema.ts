/**
 * `--task schema` (GLiNER2): `{"text", "schema"?}` → `{"result": {...}}`, the registry's schema task with the
 * record's schema or the run's `--schema` file (the JSON form of docs/gliner2.md). A bad schema on a line is a
 * dead letter naming the field; a bad `--schema` stops the run before it starts.
 */
import { InvalidInputError } from "../../errors.js";
import { getTaskSpec, resultFields } from "../../tasks/registry.js";
import { compileSchema } from "../../gliner2/model.js";
import type { SchemaInput } from "../../gliner2/types.js";
import { type JsonObject, kindOf, RecordError } from "../documents.js";
import { defineGliner2Task } from "./define.js";
import { textField } from "./fields.js";

const OPTION_FIELDS = Object.keys(getTaskSpec("schema").options.properties);

interface SchemaRequest {
  readonly text: string;
  readonly schema: SchemaInput;
}

export const schemaTask = defineGliner2Task<SchemaRequest>({
  name: "schema",
  description: 'GLiNER2 schema: {"text", "schema"?} → {"result": {entities, <classification>, <structure>, relation_extraction}}',
  checkSettings(settings) {
    if (settings.schema !== undefined) compileSchema(settings.schema as SchemaInput);
  },
  prepare(record, line, settings) {
    const text = textField(record, line);
    const schema = record["schema"] ?? settings.schema;
    if (schema === undefined) {
      throw new RecordError("INVALID_RECORD", `line ${line} has no "schema" and the run has no --schema; add "schema": {...} to the line or pass --schema file.json.`);
    }
    if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
      throw new RecordError("INVALID_RECORD", `line ${line}: "schema" must be an object like {"entities": ["person"]}; got ${kindOf(schema)}.`);
    }
    try {
      compileSchema(schema as SchemaInput);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      throw new RecordError("INVALID_RECORD", `line ${line}: ${error.message}`);
    }
    return { text, schema: schema as JsonObject as SchemaInput };
  },
  async run(model, requests, settings) {
    // Every schema-task option the run sets (threshold, includeConfidence, includeSpans, offsets, batchSize, ...).
    const options = Object.fromEntries(OPTION_FIELDS.filter((f) => settings[f] !== undefined).map((f) => [f, settings[f]]));
    const results = await model.run("schema", requests, options);
    return results.map((result) => resultFields("schema", result));
  },
});
