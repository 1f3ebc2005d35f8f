import { readdirSync, readFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { FluentBundle, FluentResource } from "@fluent/bundle";
import { DEFAULT_LOCALE } from "./locales.js";

/*
 * A pre-runtime check of the `.ftl` files, run by the test suite (and usable from
 * a CLI). It exists because Fluent fails quietly at runtime: @fluent/bundle's
 * parser silently drops an entry it cannot parse, ignores stray text, and a
 * missing translation only shows up as an English message in a German chat.
 */

export interface LocaleCheckResult {
  /** One human-readable line per problem, prefixed with the file name; empty when all is well. */
  problems: string[];
}

interface Entry {
  variables: Set<string>;
  attributes: Set<string>;
  messageRefs: Set<string>;
  termRefs: Set<string>;
  functions: Set<string>;
  /** Plural-looking selectors: the variant keys of each `{ $x -> [one] … }`. */
  pluralSelects: string[][];
}

interface ParsedFile {
  file: string;
  locale: string;
  messages: Map<string, Entry>;
  terms: Set<string>;
}

// Loose structural views of @fluent/bundle's runtime AST (ast.d.ts is not exported).
type Node = { type: string; [key: string]: unknown };
type Pattern = string | Array<string | Node>;

const ENTRY_START = /^(-?[a-zA-Z][\w-]*) *=/;
const PLURAL_CATEGORIES = new Set(["zero", "one", "two", "few", "many", "other"]);
const BUILTIN_FUNCTIONS = new Set(["NUMBER", "DATETIME"]);

export function checkLocales(directory: string): LocaleCheckResult {
  const problems: string[] = [];
  const files = readdirSync(directory)
    .filter((name) => extname(name) === ".ftl")
    .sort();
  const parsed = files.map((file) => parseFile(directory, file, problems));

  const source = parsed.find((p) => p.locale === DEFAULT_LOCALE);
  if (!source) {
    problems.push(`${DEFAULT_LOCALE}.ftl: missing (it is the source every other locale is compared with)`);
    return { problems };
  }
  for (const target of parsed) {
    checkReferences(target, problems);
    checkPlurals(target, problems);
    if (target !== source) compareWithSource(source, target, problems);
  }
  return { problems };
}

function parseFile(directory: string, file: string, problems: string[]): ParsedFile {
  const locale = basename(file, ".ftl");
  const text = readFileSync(join(directory, file), "utf8");
  const resource = new FluentResource(text);
  // How many parsed entries each id still has to account for (a duplicate id may
  // be parsed once and dropped once).
  const unclaimed = new Map<string, number>();
  for (const entry of resource.body) unclaimed.set(entry.id, (unclaimed.get(entry.id) ?? 0) + 1);

  // Junk detection. The runtime parser restarts at every line that looks like
  // `id =`; an entry it could not parse is simply absent from resource.body.
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const where = `${file}:${index + 1}`;
    const start = ENTRY_START.exec(line);
    if (start) {
      const id = start[1]!;
      const left = unclaimed.get(id) ?? 0;
      if (left === 0) problems.push(`${where}: syntax error in "${id}"`);
      else unclaimed.set(id, left - 1);
      return;
    }
    // Unindented lines can only be comments, blank, or (legal but unusual)
    // variant keys and closing braces; anything else is text Fluent ignores.
    if (line.trim() === "" || /^[\s#}[*]/.test(line)) return;
    problems.push(`${where}: stray text outside any message: ${JSON.stringify(line.slice(0, 60))}`);
  });

  const bundle = new FluentBundle(locale, { useIsolating: false });
  for (const error of bundle.addResource(resource)) problems.push(`${file}: ${error.message}`);

  const messages = new Map<string, Entry>();
  const terms = new Set<string>();
  for (const entry of resource.body) {
    if (entry.id.startsWith("-")) {
      terms.add(entry.id.slice(1));
      continue;
    }
    const info: Entry = {
      variables: new Set(),
      attributes: new Set(Object.keys(entry.attributes)),
      messageRefs: new Set(),
      termRefs: new Set(),
      functions: new Set(),
      pluralSelects: [],
    };
    if (entry.value === null) problems.push(`${file}: "${entry.id}" has no value`);
    else walkPattern(entry.value as Pattern, info);
    for (const attribute of Object.values(entry.attributes)) walkPattern(attribute as Pattern, info);
    messages.set(entry.id, info);
  }
  return { file, locale, messages, terms };
}

function walkPattern(pattern: Pattern, info: Entry): void {
  if (typeof pattern === "string") return;
  for (const element of pattern) if (typeof element !== "string") walkExpression(element, info);
}

function walkExpression(node: Node, info: Entry): void {
  switch (node.type) {
    case "var":
      info.variables.add(node.name as string);
      return;
    case "mesg":
      info.messageRefs.add(node.name as string);
      return;
    case "term":
      info.termRefs.add(node.name as string);
      for (const arg of node.args as Node[]) walkExpression(arg, info);
      return;
    case "func":
      info.functions.add(node.name as string);
      for (const arg of node.args as Node[]) walkExpression(arg, info);
      return;
    case "narg":
      walkExpression(node.value as Node, info);
      return;
    case "select": {
      walkExpression(node.selector as Node, info);
      const variants = node.variants as Array<{ key: Node; value: Pattern }>;
      const keys = variants.map((variant) => String(variant.key.value));
      if (keys.some((key) => PLURAL_CATEGORIES.has(key) && key !== "other")) info.pluralSelects.push(keys);
      for (const variant of variants) walkPattern(variant.value, info);
      return;
    }
    default:
      // Literals ("str", "num") reference nothing.
      return;
  }
}

function checkReferences(target: ParsedFile, problems: string[]): void {
  for (const [id, entry] of target.messages) {
    for (const ref of entry.messageRefs) {
      if (!target.messages.has(ref))
        problems.push(`${target.file}: "${id}" references unknown message "${ref}"`);
    }
    for (const ref of entry.termRefs) {
      if (!target.terms.has(ref)) problems.push(`${target.file}: "${id}" references unknown term "-${ref}"`);
    }
    for (const name of entry.functions) {
      if (!BUILTIN_FUNCTIONS.has(name))
        problems.push(`${target.file}: "${id}" calls unknown function ${name}()`);
    }
  }
}

/**
 * Every plural category that whole numbers reach in this language must have its
 * own variant: Russian needs one/few/many, or "5 минуты" slips through on the
 * default. Categories reached only by fractions or huge numbers (French "many"
 * for millions) are left to the default variant.
 */
function checkPlurals(target: ParsedFile, problems: string[]): void {
  let rules: Intl.PluralRules;
  try {
    rules = new Intl.PluralRules(target.locale);
  } catch (error) {
    if (error instanceof RangeError) return;
    throw error;
  }
  const needed = new Set<string>();
  for (let n = 0; n <= 1000; n++) needed.add(rules.select(n));
  needed.delete("other");
  for (const [id, entry] of target.messages) {
    for (const keys of entry.pluralSelects) {
      const missing = [...needed].filter((category) => !keys.includes(category));
      if (missing.length > 0) {
        problems.push(
          `${target.file}: "${id}" has no plural variant for ${missing.map((c) => `[${c}]`).join(", ")}`,
        );
      }
    }
  }
}

function compareWithSource(source: ParsedFile, target: ParsedFile, problems: string[]): void {
  for (const [id, expected] of source.messages) {
    const actual = target.messages.get(id);
    if (!actual) {
      problems.push(`${target.file}: missing "${id}" (present in ${source.file})`);
      continue;
    }
    const missingVars = difference(expected.variables, actual.variables);
    const extraVars = difference(actual.variables, expected.variables);
    if (missingVars.length > 0 || extraVars.length > 0) {
      const parts = [
        ...missingVars.map((name) => `lacks $${name}`),
        ...extraVars.map((name) => `has unknown $${name}`),
      ];
      problems.push(`${target.file}: "${id}" variables differ from ${source.file}: ${parts.join(", ")}`);
    }
    const missingAttrs = difference(expected.attributes, actual.attributes);
    const extraAttrs = difference(actual.attributes, expected.attributes);
    if (missingAttrs.length > 0 || extraAttrs.length > 0) {
      problems.push(
        `${target.file}: "${id}" attributes differ from ${source.file}: ` +
          `missing [${missingAttrs.join(", ")}], extra [${extraAttrs.join(", ")}]`,
      );
    }
  }
  for (const id of target.messages.keys()) {
    if (!source.messages.has(id)) problems.push(`${target.file}: extra "${id}" (not in ${source.file})`);
  }
}

function difference(a: Set<string>, b: Set<string>): string[] {
  return [...a].filter((item) => !b.has(item)).sort();
}
