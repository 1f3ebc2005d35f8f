/**
 * The bench measures what ships: the Node flags it starts Zoomgram with are the ones `npm start`
 * and the Docker image use.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SHIPPED_NODE_FLAGS } from "../../bench/lib/processes.js";

describe("Node flags", () => {
  it("npm start, the Docker ENTRYPOINT and the bench run Zoomgram with the same flags", () => {
    const start = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: { start: string } }).scripts
      .start;
    expect(start).toBe(["node", ...SHIPPED_NODE_FLAGS, "bin/zoomgram.mjs", "serve"].join(" "));
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(readFileSync("Dockerfile", "utf8"))?.[1];
    expect(JSON.parse(entrypoint ?? "null")).toEqual(["node", ...SHIPPED_NODE_FLAGS, "bin/zoomgram.mjs"]);
  });
});
