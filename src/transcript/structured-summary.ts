/**
 * The summary a summary API is asked for (summary-api.ts): a JSON object with an overview, key
 * points, the decisions taken, the action items (with their owner and due date when the transcript
 * names them) and the questions left open, every text in the chat's language. Read leniently (code
 * fences, text around the object, missing lists); an answer that is no such object is kept as the
 * free text it is. Rendered as the small Markdown every stored summary is, with the caller's
 * localized headings.
 */
import { z } from "zod";
import { parseJsonOrUndefined } from "../json.js";

export interface ActionItem {
  task: string;
  owner?: string;
  due?: string;
}

export interface StructuredSummary {
  overview?: string;
  keyPoints: string[];
  decisions: string[];
  actionItems: ActionItem[];
  openQuestions: string[];
}

export interface StructuredSummaryLabels {
  overview: string;
  keyPoints: string;
  decisions: string;
  actionItems: string;
  openQuestions: string;
}

/**
 * The schema of a model's answer, built when the first answer is parsed (only where a summary API
 * is configured); at module level it would sit in the heap of every process (issue #14).
 */
function buildSchema() {
  const text = z.string().transform((s) => s.replace(/\s+/g, " ").trim());
  const list = z
    .array(z.union([text, z.number().transform(String)]))
    .catch([])
    .transform((items) => items.filter((s) => s !== ""));
  const actionItem = z.union([
    text.transform((task) => ({ task })),
    z
      .looseObject({
        task: text.optional(),
        action: text.optional(),
        owner: text.nullish(),
        assignee: text.nullish(),
        due: text.nullish(),
        deadline: text.nullish(),
      })
      .transform((a) => {
        const owner = a.owner ?? a.assignee ?? undefined;
        const due = a.due ?? a.deadline ?? undefined;
        return {
          task: a.task ?? a.action ?? "",
          ...(owner && !/^(none|unknown|n\/a|null|-)$/i.test(owner) ? { owner } : {}),
          ...(due && !/^(none|unknown|n\/a|null|-)$/i.test(due) ? { due } : {}),
        };
      }),
  ]);

  return z.looseObject({
    overview: text.optional().catch(undefined),
    key_points: list.optional(),
    decisions: list.optional(),
    action_items: z
      .array(actionItem)
      .catch([])
      .transform((items) => items.filter((i) => i.task !== ""))
      .optional(),
    open_questions: list.optional(),
  });
}

let schema: ReturnType<typeof buildSchema> | undefined;

/** The structured summary in a model's answer, or undefined when the answer is free text. */
export function parseStructuredSummary(answer: string): StructuredSummary | undefined {
  const unfenced = answer.replace(/^\s*```(?:json)?\s*/i, "").replace(/\s*```\s*$/, "");
  const start = unfenced.indexOf("{");
  const end = unfenced.lastIndexOf("}");
  if (start < 0 || end <= start) return undefined;
  const json = parseJsonOrUndefined(unfenced.slice(start, end + 1));
  if (json === undefined) return undefined;
  schema ??= buildSchema();
  const parsed = schema.safeParse(json);
  if (!parsed.success) return undefined;
  const d = parsed.data;
  const summary: StructuredSummary = {
    ...(d.overview ? { overview: d.overview } : {}),
    keyPoints: d.key_points ?? [],
    decisions: d.decisions ?? [],
    actionItems: d.action_items ?? [],
    openQuestions: d.open_questions ?? [],
  };
  const empty =
    !summary.overview &&
    summary.keyPoints.length +
      summary.decisions.length +
      summary.actionItems.length +
      summary.openQuestions.length ===
      0;
  return empty ? undefined : summary;
}

/** Markdown with a heading per non-empty block; action items read `Owner: task (due)`. */
export function structuredSummaryMarkdown(
  summary: StructuredSummary,
  labels: StructuredSummaryLabels,
): string {
  const blocks: string[] = [];
  const section = (heading: string, items: readonly string[]) => {
    const lines = items.map(oneLine).filter(Boolean);
    if (lines.length > 0) blocks.push(`## ${oneLine(heading)}\n${lines.map((l) => `- ${l}`).join("\n")}`);
  };
  if (summary.overview) blocks.push(`## ${oneLine(labels.overview)}\n${oneLine(summary.overview)}`);
  section(labels.keyPoints, summary.keyPoints);
  section(labels.decisions, summary.decisions);
  section(
    labels.actionItems,
    summary.actionItems.map((a) => `${a.owner ? `${a.owner}: ` : ""}${a.task}${a.due ? ` (${a.due})` : ""}`),
  );
  section(labels.openQuestions, summary.openQuestions);
  return blocks.join("\n\n");
}

// Markdown markers a model may have put inside a value would change the rendering: keep text only.
function oneLine(s: string): string {
  return s
    .replace(/[\u0000-\u001F\u007F-\u009F]/g, " ")
    .replace(/[\u202A-\u202E\u2066-\u2069]/g, "")
    .replace(/^[#>\-*•\s]+/, "")
    .replace(/\s+/g, " ")
    .trim();
}
