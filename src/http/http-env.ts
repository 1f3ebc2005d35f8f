/** The Hono environment of Zoomgram's HTTP app: what middleware puts in the request context. */
import type { Hono } from "hono";

export type HttpEnv = { Variables: { requestId: string } };
export type HttpApp = Hono<HttpEnv>;
