/** The multitask routes (`/v1/relations`, `/v1/qa`, ...), added as the library's task methods land. */
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../context.js";

/** Registers the task routes and returns their names (the part after /v1/). */
export function registerTaskRoutes(_app: FastifyInstance, _ctx: ServerContext): string[] {
  return [];
}
