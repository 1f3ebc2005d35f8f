/**
 * Which URLs a recording download (and the bearer token sent with it) may go to. Checked for the
 * `download_url` itself and for every redirect hop (`reference/zoom.md` §4.3: the download
 * redirects to a signed storage URL), against `ZOOM_DOWNLOAD_HOSTS` (CONTRACT "Behaviour at the
 * edges"). A webhook body is attacker-controlled until verified and a redirect is never trusted,
 * so anything not plainly on the list is refused: a token must not reach another host, and the
 * fetch must not be aimed at internal addresses such as 169.254.169.254.
 */

export type DownloadUrlRefusal =
  | "invalid_url"
  | "scheme_not_allowed"
  | "userinfo_not_allowed"
  | "host_not_allowed"
  | "https_required"
  | "port_not_allowed";

export type DownloadUrlCheck = { ok: true; url: URL } | { ok: false; reason: DownloadUrlRefusal };

/**
 * Loopback hosts may use `http` and any port when they are on the list: that is how tests reach
 * a fake Zoom (CONTRACT). Spelled as `URL.hostname` spells them.
 */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

interface HostRule {
  host: string;
  /** `*.domain`: any subdomain of `host`, at any depth, but not `host` itself. */
  wildcard: boolean;
}

function isIpLiteral(hostname: string): boolean {
  // URL.hostname brackets IPv6 and rewrites every IPv4 spelling (0x7f.1, 2130706433) as dotted decimal.
  return hostname.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * Reads one list entry the way URL reads hostnames (lower case, punycode, canonical IPs), so that
 * comparison is exact. Entries with a port, path or credentials, and wildcards over IP addresses,
 * match nothing.
 */
function toRule(entry: string): HostRule | undefined {
  let text = entry.trim().toLowerCase();
  const wildcard = text.startsWith("*.");
  if (wildcard) text = text.slice(2);
  if (text === "::1") text = "[::1]";
  if (text === "" || /[/?#@\\]/.test(text)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(`http://${text}/`);
  } catch {
    return undefined; // an unparseable entry allows nothing
  }
  if (parsed.port !== "" || (wildcard && isIpLiteral(parsed.hostname))) return undefined;
  return { host: parsed.hostname, wildcard };
}

function matches(hostname: string, rule: HostRule): boolean {
  if (!rule.wildcard) return hostname === rule.host;
  // Subdomains only, and never by suffix alone: `evilzoom.us` does not end with `.zoom.us`.
  return !isIpLiteral(hostname) && hostname.endsWith(`.${rule.host}`);
}

/** The authority as written, before URL normalization, to catch `@` that URL would fold away. */
function rawAuthority(url: string): string {
  const afterScheme = url.trim().replace(/^[a-z][a-z0-9+.-]*:[/\\]*/i, "");
  return afterScheme.split(/[/\\?#]/, 1)[0] ?? "";
}

/**
 * Accepts `url` only if its host is on `allowedHosts` (exact names, or `*.domain` for
 * subdomains; case-insensitive), it uses `https` on the default port (loopback hosts on the list
 * may use `http` and any port), and it carries no userinfo. Returns the parsed URL: fetch that
 * object, not the original string, so the host checked is the host contacted.
 */
export function checkDownloadUrl(url: string, allowedHosts: readonly string[]): DownloadUrlCheck {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: "invalid_url" };
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    return { ok: false, reason: "scheme_not_allowed" };
  if (parsed.username !== "" || parsed.password !== "" || rawAuthority(url).includes("@")) {
    return { ok: false, reason: "userinfo_not_allowed" };
  }

  const hostname = parsed.hostname;
  // Empty labels (`zoom.us.`, `.zoom.us`) are refused rather than reasoned about.
  if (hostname.split(".").includes("")) return { ok: false, reason: "host_not_allowed" };
  const rules = allowedHosts.map(toRule).filter((rule): rule is HostRule => rule !== undefined);
  const rule = rules.find((candidate) => matches(hostname, candidate));
  if (rule === undefined) return { ok: false, reason: "host_not_allowed" };

  if (!rule.wildcard && LOOPBACK_HOSTS.has(hostname)) return { ok: true, url: parsed };
  if (parsed.protocol !== "https:") return { ok: false, reason: "https_required" };
  if (parsed.port !== "") return { ok: false, reason: "port_not_allowed" };
  return { ok: true, url: parsed };
}
