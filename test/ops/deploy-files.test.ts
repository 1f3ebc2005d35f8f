/**
 * The deployment files name only what exists: every `zoomgram_*` series used by the Prometheus
 * alerts and the Grafana dashboard is one the app registers (its own metrics and the default
 * Node.js ones, with histogram suffixes), the compose file's commands are real CLI commands, and
 * the image runs the CLI the package declares. (`promtool test rules deploy/prometheus/alerts.test.yml`
 * checks the alert expressions themselves where Prometheus is installed.)
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { commands } from "../../src/cli/commands.js";
import { createMetrics } from "../../src/observability/metrics.js";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

async function registeredSeries(): Promise<Set<string>> {
  const metrics = createMetrics();
  const names = new Set<string>();
  for (const m of await metrics.registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === "histogram")
      for (const s of ["_bucket", "_sum", "_count"]) names.add(`${m.name}${s}`);
  }
  return names;
}

const used = (text: string) => new Set(text.match(/zoomgram_[a-z0-9_]+/g) ?? []);

describe("deployment files", () => {
  it("alerts and dashboard use only series the app exports", async () => {
    const known = await registeredSeries();
    const alerts = used(read("deploy/prometheus/alerts.yml"));
    const dashboard = used(read("deploy/grafana/dashboards/zoomgram.json"));
    expect(alerts.size).toBeGreaterThan(5);
    expect(dashboard.size).toBeGreaterThan(10);
    expect([...alerts].filter((n) => !known.has(n))).toEqual([]);
    expect([...dashboard].filter((n) => !known.has(n))).toEqual([]);
  });

  it("the dashboard is valid JSON with unique panel ids and a datasource variable", () => {
    const dash = JSON.parse(read("deploy/grafana/dashboards/zoomgram.json")) as {
      uid: string;
      panels: Array<{ id: number; type: string; targets?: Array<{ expr: string }> }>;
      templating: { list: Array<{ name: string; type: string }> };
    };
    const ids = dash.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dash.templating.list).toContainEqual(
      expect.objectContaining({ name: "datasource", type: "datasource" }),
    );
    for (const p of dash.panels.filter((x) => x.type !== "row")) expect(p.targets?.length).toBeGreaterThan(0);
  });

  it("compose and Dockerfile run real CLI commands as a non-root user with a health check", () => {
    const compose = read("docker-compose.yml");
    for (const [, command] of compose.matchAll(/command: \["([a-z]+)"\]/g)) {
      expect(Object.keys(commands)).toContain(command);
    }
    const dockerfile = read("Dockerfile");
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toContain('ENTRYPOINT ["node", "bin/zoomgram.mjs"]');
    // The image runs the compiled build: dev dependencies (tsx among them) are pruned after it.
    expect(dockerfile).toContain("npm prune --omit=dev");
    const pkg = JSON.parse(read("package.json")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies)).not.toContain("tsx");
    expect(Object.keys(pkg.devDependencies)).toContain("tsx");
  });
});
