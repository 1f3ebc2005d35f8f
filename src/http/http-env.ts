/** The Hono environment of Zoomgram's HTTP app (what middleware puts in the request context) and the app. */
import { type Context, Hono } from "hono";
import type { DirectHandler } from "./direct-routes.js";

export type HttpEnv = { Variables: { requestId: string } };

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
