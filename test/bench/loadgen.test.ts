import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { runFixedRate, runMax } from "../../bench/lib/loadgen.js";

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

/** Answers 200, or 401 for bodies containing "bad"; remembers every body. */
async function server(): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const s = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      bodies.push(body);
      res.writeHead(body.includes("bad") ? 401 : 200).end();
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/webhooks/zoom`, bodies };
}

describe("bench load generator", () => {
  it("sends rate × duration requests, each built when sent, and counts answers by status", async () => {
    const srv = await server();
    const result = await runFixedRate({
      url: srv.url,
      ratePerSecond: 1000,
      durationMs: 60,
      make: (i) => ({ headers: { "x-index": String(i) }, body: i % 10 === 3 ? `bad ${i}` : `body ${i}` }),
    });
    expect(result.sent).toBe(60);
    expect(result.ok + result.errors).toBe(60);
    expect(result.statusCounts).toEqual({ "200": 54, "401": 6 });
    expect(result.latency.count).toBe(54);
    expect(new Set(srv.bodies).size).toBe(60);
  });

  it("keeps a closed loop going until told to stop", async () => {
    const srv = await server();
    const bodies = ["a", "b", "c", "d", "e"];
    let next = 0;
    const result = await runMax({
      url: srv.url,
      concurrency: 2,
      durationMs: 30_000,
      make: () => ({ headers: {}, body: bodies[next++] as string }),
      until: () => next >= bodies.length,
    });
    expect(result.ok).toBe(5);
    expect(srv.bodies.sort()).toEqual(bodies);
  });

  it("counts a refused connection as an error, not an answer", async () => {
    const srv = await server();
    const url = srv.url;
    const s = servers.pop() as http.Server;
    await new Promise<void>((r) => s.close(() => r()));
    const result = await runFixedRate({
      url,
      ratePerSecond: 1000,
      durationMs: 5,
      make: () => ({ headers: {}, body: "x" }),
    });
    expect(result.ok).toBe(0);
    expect(result.errors).toBe(5);
    expect(Object.keys(result.statusCounts)).toEqual(["ECONNREFUSED"]);
  });
});
