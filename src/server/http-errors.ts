/**
 * Every failure becomes one JSON shape, `{ statusCode, code, error, message }`, in one place. Messages say what
 * was wrong and how to fix it; unexpected errors are logged and answered with a generic 500, never a stack.
 */
import type { FastifyError, FastifyInstance } from "fastify";
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { isGlinerError } from "../errors.js";
import { ClosedError, DeadlineError, QueueFullError } from "./batcher.js";

export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Maps any thrown value to the HTTP error it should be answered with. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof QueueFullError) return new HttpError(429, "QUEUE_FULL", error.message, error.retryAfterSeconds);
  if (error instanceof DeadlineError) return new HttpError(503, "TIMEOUT", error.message, error.retryAfterSeconds);
  if (error instanceof ClosedError) return new HttpError(503, "SHUTTING_DOWN", error.message, 1);
  if (isGlinerError(error)) {
    if (error.code === "INVALID_INPUT") return new HttpError(400, error.code, error.message);
    if (error.code === "TEXT_TOO_LONG") return new HttpError(413, error.code, error.message);
    if (error.code === "UNSUPPORTED") return new HttpError(400, error.code, error.message);
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation !== undefined) {
    return new HttpError(400, "INVALID_INPUT", `Invalid request: ${fastifyError.message ?? "the body does not match the schema"}. See /openapi.json.`);
  }
  switch (fastifyError.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new HttpError(413, "BODY_TOO_LARGE", `The request body is larger than the server's limit. Send fewer or shorter texts per request.`);
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", 'Send the body as JSON with "Content-Type: application/json".');
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new HttpError(400, "INVALID_INPUT", "The body is empty; send a JSON object.");
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new HttpError(400, "INVALID_INPUT", `The body is not valid JSON: ${fastifyError.message ?? ""}`);
  }
  // fastify's and its plugins' own client errors carry a 4xx status and a safe message; the code follows the status.
  if (typeof fastifyError.statusCode === "number" && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new HttpError(fastifyError.statusCode, codeForStatus(fastifyError.statusCode), fastifyError.message ?? "Bad request.");
  }
  return new HttpError(500, "INTERNAL", "The server failed to handle this request; the details are in its log.");
}

/** INVALID_INPUT for 400, else the status's name: 403 FORBIDDEN, 405 METHOD_NOT_ALLOWED, 431 REQUEST_HEADER_FIELDS_TOO_LARGE. */
function codeForStatus(status: number): string {
  if (status === 400) return "INVALID_INPUT";
  if (status === 413) return "BODY_TOO_LARGE";
  return (STATUS_CODES[status] ?? "ERROR").toUpperCase().replace(/[^A-Z]+/g, "_");
}

/**
 * Errors node's HTTP parser raises before fastify sees a request (garbage request line, headers too large):
 * answered on the raw socket, in the same JSON shape.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
  const body = JSON.stringify(
    errorBody(new HttpError(status, codeForStatus(status), status === 431 ? "The request headers are too large." : "The request could not be parsed as HTTP.")),
  );
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

export function errorBody(error: HttpError) {
  return {
    statusCode: error.statusCode,
    code: error.code,
    error: STATUS_CODES[error.statusCode] ?? "Error",
    message: error.message,
  };
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const http = toHttpError(error);
    if (http.statusCode >= 500 && http.code === "INTERNAL") request.log.error({ err: error }, "unhandled error");
    if (http.retryAfterSeconds !== undefined) void reply.header("retry-after", String(http.retryAfterSeconds));
    return reply.status(http.statusCode).send(errorBody(http));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(errorBody(new HttpError(404, "NOT_FOUND", `No route ${request.method} ${request.url.split("?")[0]?.slice(0, 200)}. See /openapi.json or /docs.`))),
  );
}
