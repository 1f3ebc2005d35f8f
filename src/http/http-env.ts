/**
 * The Hono environment of Zoomgram's HTTP app (what middleware puts in the request context), the
 * shape of a direct route (src/http/direct-routes.ts), and the app.
 */
import { type Context, Hono } from "hono";

export type HttpEnv = { Variables: { requestId: string } };

/** What a direct route reads of its request. */
export interface DirectRequest {
  /** A header by its lower-case name. */
  header(name: string): string | undefined;
  /** The whole body, already within the app's body limit. */
  readonly body: Uint8Array;
  /** The request id (the caller's `x-request-id` when it is a sane one, else a new UUID). */
  readonly requestId: string;
}

/** A direct route's answer: a status and a JSON body, plus any headers of its own. */
export interface DirectAnswer {
  status: number;
  json: unknown;
  headers?: Record<string, string>;
}

export type DirectHandler = (request: DirectRequest) => Promise<DirectAnswer>;

/**
 * The Hono app with its direct routes (src/http/direct-routes.ts): `direct(path, handler)` mounts
 * a POST route on the app and records it for the listener `directListener` builds, which answers
 * it without Hono.
 */
export class HttpApp extends Hono<HttpEnv> {
  readonly directRoutes = new Map<string, DirectHandler>();

  direct(path: string, handler: DirectHandler): void {
    this.directRoutes.set(path, handler);
    this.post(path, async (c: Context<HttpEnv>) => {
      const answer = await handler({
        header: (name) => c.req.header(name),
        body: new Uint8Array(await c.req.arrayBuffer()),
        requestId: c.get("requestId"),
      });
      return c.json(answer.json, answer.status as 200, answer.headers);
    });
  }
}
