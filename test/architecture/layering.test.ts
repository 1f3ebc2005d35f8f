/**
 * The house rules of src/ (docs/architecture.md): clients and infrastructure below, features
 * above, imports pointing one way, and no import circles — type-only imports included, since a
 * circle of types is still two files that cannot be understood apart.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/** Folders that know one outside system or one mechanism and nothing of our features. */
const INFRASTRUCTURE = new Set([
  "zoom",
  "telegram",
  "jobs",
  "leases",
  "db",
  "http",
  "media",
  "transcript",
  "i18n",
  "security",
  "observability",
  "stt",
]);
/** Features, lowest first: a feature may import only the ones before it. */
const FEATURES = ["connect", "settings", "delivery", "speech", "backfill", "ops"];
/** Files at the top of src/ that only the composition root and the CLI may import. */
const ROOT_ONLY = new Set(["app.ts", "features.ts"]);
/** What the root hands every feature (infrastructure types only): features may import it. */
const FEATURE_CONTRACT = "services.ts";
/** Files at the top of src/ every layer may import. */
const SHARED = new Set(["config.ts", "errors.ts", "clock.ts", "json.ts"]);

function listSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listSources(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

/** Every relative import of a file (static, type-only, re-export and dynamic), as src-relative paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*["'](\.{1,2}\/[^"']+)["']/g),
    ...text.matchAll(/import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g),
  ].map((m) => m[1] as string);
  return specs.map((spec) =>
    relative(SRC, normalize(join(dirname(file), spec.replace(/\.js$/, ".ts")))).replaceAll("\\", "/"),
  );
}

const files = listSources(SRC).map((f) => relative(SRC, f).replaceAll("\\", "/"));
const graph = new Map(files.map((f) => [f, importsOf(join(SRC, f))]));

function area(file: string): string {
  const slash = file.indexOf("/");
  return slash === -1 ? file : file.slice(0, slash);
}

function violation(from: string, to: string): string | undefined {
  const a = area(from);
  const b = area(to);
  if (a === b) return undefined;
  if (SHARED.has(b)) return undefined;
  if (a === "app.ts" || a === "cli" || a === "features.ts") return undefined;
  if (ROOT_ONLY.has(b)) return `${from} imports ${to}, which only the composition root and the CLI may`;
  if (INFRASTRUCTURE.has(a)) {
    if (INFRASTRUCTURE.has(b)) return undefined;
    return `${from} (infrastructure) imports ${to} (a feature or the root)`;
  }
  if (a === FEATURE_CONTRACT) {
    return INFRASTRUCTURE.has(b) ? undefined : `${from} may import infrastructure only, not ${to}`;
  }
  const fa = FEATURES.indexOf(a);
  const fb = FEATURES.indexOf(b);
  if (fa !== -1) {
    if (INFRASTRUCTURE.has(b) || b === FEATURE_CONTRACT) return undefined;
    if (fb !== -1 && fb < fa) return undefined;
    return `${from} (feature ${a}) imports ${to}: features depend downward only (${FEATURES.join(" < ")})`;
  }
  if (SHARED.has(a)) {
    return INFRASTRUCTURE.has(b) ? undefined : `${from} imports ${to}`;
  }
  return `${from} is in no known area (add its folder to INFRASTRUCTURE or FEATURES)`;
}

/** Circles in the import graph (Tarjan's strongly connected components of more than one file). */
function circles(): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, indices.get(w) as number));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return found;
}

describe("src/ layering", () => {
  it("reads the source tree", () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files).toContain("app.ts");
  });

  it("every import resolves to a file in src/", () => {
    const missing = [...graph].flatMap(([from, tos]) =>
      tos.filter((to) => !graph.has(to)).map((to) => `${from} → ${to}`),
    );
    expect(missing).toEqual([]);
  });

  it("clients and infrastructure import no feature; features import only features below them", () => {
    const problems = [...graph].flatMap(([from, tos]) =>
      tos.map((to) => violation(from, to)).filter((p): p is string => p !== undefined),
    );
    expect(problems).toEqual([]);
  });

  it("has no import circles, type-only imports included", () => {
    expect(circles()).toEqual([]);
  });

  it("judges a known bad import as a violation (the rule is live)", () => {
    expect(violation("zoom/zoom-api.ts", "delivery/ingest.ts")).toMatch(/infrastructure/);
    expect(violation("connect/token-service.ts", "delivery/ingest.ts")).toMatch(/downward/);
    expect(violation("telegram/bot.ts", "services.ts")).toMatch(/infrastructure/);
    expect(violation("delivery/ingest.ts", "app.ts")).toMatch(/composition root/);
    expect(violation("services.ts", "connect/token-service.ts")).toMatch(/infrastructure only/);
    expect(violation("ops/history.composer.ts", "delivery/ingest.ts")).toBeUndefined();
  });
});
