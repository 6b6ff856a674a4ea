/** Registers `POST /v1/<task>` for every task of the registry (ner, relations, qa, ...); returns their names. */
import type { FastifyInstance } from "fastify";
import { TASK_SPECS } from "../../index.js";
import type { ServerContext } from "../context.js";
import { registerTaskRoute } from "./task-route.js";

export function registerTaskRoutes(app: FastifyInstance, ctx: ServerContext): string[] {
  return TASK_SPECS.map((spec) => registerTaskRoute(app, ctx, spec));
}
