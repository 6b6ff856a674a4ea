/**
 * Turns ajv's schema errors into one sentence that names the field, e.g. `body.labels[2] must NOT have more
 * than 200 characters` or `body has an unknown field "treshold"`.
 */
import type { FastifySchemaValidationError, FastifyServerOptions } from "fastify";

type SchemaErrorFormatter = NonNullable<FastifyServerOptions["schemaErrorFormatter"]>;
type SchemaErrorDataVar = Parameters<SchemaErrorFormatter>[1];

export function formatValidationErrors(errors: FastifySchemaValidationError[], dataVar: SchemaErrorDataVar): Error {
  // For `anyOf: [schema, null]` ajv reports each branch's failure plus the anyOf itself; the useful one is the
  // failure of the non-null branch.
  const useful = errors.filter((e) => e.keyword !== "anyOf" && !(e.keyword === "type" && e.params["type"] === "null"));
  const error = useful[0] ?? errors[0];
  if (error === undefined) return new Error(`${dataVar} is invalid`);
  const where = `${dataVar}${pathOf(error.instancePath)}`;
  switch (error.keyword) {
    case "additionalProperties":
      return new Error(`${where} has an unknown field "${String(error.params["additionalProperty"])}"; remove it (field names are case-sensitive)`);
    case "required":
      return new Error(`${where} is missing the required field "${String(error.params["missingProperty"])}"`);
    case "pattern":
      return new Error(`${where} must contain a non-space character`);
    default:
      return new Error(`${where} ${error.message ?? "is invalid"}`);
  }
}

/** `/labels/2` → `.labels[2]`. */
function pathOf(instancePath: string): string {
  return instancePath
    .split("/")
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part.replace(/~1/g, "/").replace(/~0/g, "~")}`))
    .join("");
}
