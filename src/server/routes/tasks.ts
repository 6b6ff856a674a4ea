/** The multitask routes (`/v1/relations`, `/v1/qa`, ...), added as the library's task methods land. */
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../context.js";

export function registerTaskRoutes(_app: FastifyInstance, _ctx: ServerContext): void {}
