/**
 * `doctor`'s check of the speech-to-text endpoint (STT_API_URL, issue 16): reachable, the key
 * accepted, and STT_MODEL known where the server can tell (`GET …/models`, which OpenAI, speaches
 * and LocalAI answer). A server without `/models` (whisper.cpp) gets a bare request to the
 * transcriptions route: a 400 for the missing file still proves route and key. A remote endpoint
 * is named as such: meeting audio leaves this machine.
 */
import type { Config } from "../config.js";
import { modelsUrl, transcriptionsUrl } from "../stt/speech-client.js";

export interface SpeechCheckResult {
  name: string;
  status: "ok" | "warn" | "fail" | "skip";
  detail: string;
  fix?: string;
}

const NAME = "Speech to text";

export async function checkSpeechEndpoint(ctx: {
  config: Config;
  fetch: typeof fetch;
  timeoutMs: number;
}): Promise<SpeechCheckResult> {
  const { apiUrl, apiKey, model } = ctx.config.stt;
  if (!apiUrl) {
    return {
      name: NAME,
      status: "skip",
      detail: "STT_API_URL is not set: meetings without a Zoom transcript get none",
    };
  }
  const headers: Record<string, string> = { accept: "application/json" };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const where = describeHost(apiUrl);
  let response: Response;
  try {
    response = await ctx.fetch(modelsUrl(apiUrl), { headers, signal: AbortSignal.timeout(ctx.timeoutMs) });
  } catch (error) {
    return {
      name: NAME,
      status: "fail",
      detail: `${transcriptionsUrl(apiUrl).origin} cannot be reached: ${reason(error)}`,
      fix: "check STT_API_URL (a base such as http://speaches:8000/v1, or a full …/audio/transcriptions URL) and that the server runs",
    };
  }
  if (response.status === 401 || response.status === 403) return refused(response.status);
  if (response.ok) {
    const ids = await modelIds(response);
    if (ids === undefined || ids.length === 0) {
      return {
        name: NAME,
        status: "ok",
        detail: `reachable and authorised; it lists no models to check ${model} against${where}`,
      };
    }
    if (ids.includes(model)) {
      return {
        name: NAME,
        status: "ok",
        detail: `reachable, authorised, model ${model} is available${where}`,
      };
    }
    return {
      name: NAME,
      status: "warn",
      detail: `reachable and authorised, but ${model} is not among its models (${ids.slice(0, 5).join(", ")}${ids.length > 5 ? ", …" : ""})${where}`,
      fix: "set STT_MODEL to one of the server's models (speaches downloads a model on first use: check its docs)",
    };
  }
  return probeTranscriptions(ctx, apiUrl, headers, where);
}

/** No `/models`: a request without a file (400 proves route and key; 404 a wrong URL). */
async function probeTranscriptions(
  ctx: { fetch: typeof fetch; timeoutMs: number; config: Config },
  apiUrl: string,
  headers: Record<string, string>,
  where: string,
): Promise<SpeechCheckResult> {
  const form = new FormData();
  form.append("model", ctx.config.stt.model);
  let response: Response;
  try {
    response = await ctx.fetch(transcriptionsUrl(apiUrl), {
      method: "POST",
      headers,
      body: form,
      signal: AbortSignal.timeout(ctx.timeoutMs),
    });
    await response.body?.cancel();
  } catch (error) {
    return {
      name: NAME,
      status: "fail",
      detail: `the transcriptions route cannot be reached: ${reason(error)}`,
    };
  }
  if (response.status === 401 || response.status === 403) return refused(response.status);
  if (response.status === 404 || response.status === 405) {
    return {
      name: NAME,
      status: "fail",
      detail: `${transcriptionsUrl(apiUrl).pathname} answered ${response.status}: no transcriptions route there`,
      fix: "whisper.cpp's server needs --inference-path /v1/audio/transcriptions (and --convert); or give the full URL",
    };
  }
  return {
    name: NAME,
    status: "ok",
    detail: `reachable and authorised (a request without audio got ${response.status}); the model cannot be checked here${where}`,
  };
}

function refused(status: number): SpeechCheckResult {
  return {
    name: NAME,
    status: "fail",
    detail: `the endpoint refused STT_API_KEY (${status})`,
    fix: "set STT_API_KEY to a key this server accepts (unset it for a local server without keys)",
  };
}

async function modelIds(response: Response): Promise<string[] | undefined> {
  const body = (await response.json().catch(() => undefined)) as { data?: unknown } | undefined;
  if (!Array.isArray(body?.data)) return undefined;
  return body.data
    .map((m) => (typeof m === "object" && m !== null && "id" in m ? String((m as { id: unknown }).id) : ""))
    .filter(Boolean);
}

/** " (remote: meeting audio leaves this machine)" unless the host is local or private. */
function describeHost(apiUrl: string): string {
  const host = new URL(apiUrl).hostname.replace(/^\[|\]$/g, "");
  const local =
    host === "localhost" ||
    host === "::1" ||
    !host.includes(".") ||
    /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(host) ||
    host.endsWith(".local") ||
    host.endsWith(".internal");
  return local ? "" : `; remote (${host}): meeting audio leaves this machine`;
}

function reason(error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return "timed out";
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  if (cause?.code) return cause.code;
  return error instanceof Error ? error.message : String(error);
}
