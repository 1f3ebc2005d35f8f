/**
 * The baseline for webhook ingest: a bare `node:http` server that does only what no webhook
 * receiver can skip — read the body, check `x-zm-signature` (HMAC-SHA256 over
 * `v0:{timestamp}:{body}`, constant-time compare) and the 300 s timestamp window — and answers 200.
 * No framework, no JSON parsing, no database. Prints `listening <port>` once bound.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

const secret = process.env.BARE_SECRET ?? "";
const ok = Buffer.from('{"status":"ok"}');

const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const ts = String(req.headers["x-zm-request-timestamp"] ?? "");
    const given = Buffer.from(String(req.headers["x-zm-signature"] ?? ""));
    const expected = Buffer.from(
      `v0=${createHmac("sha256", secret).update(`v0:${ts}:`).update(body).digest("hex")}`,
    );
    const fresh = Math.abs(Date.now() / 1000 - Number(ts)) <= 300;
    if (!fresh || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.writeHead(401, { "content-type": "application/json" }).end('{"error":"unauthorized"}');
      return;
    }
    res.writeHead(200, { "content-type": "application/json", "content-length": ok.length }).end(ok);
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.once("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
});
