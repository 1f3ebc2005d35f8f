import { describe, expect, it } from "vitest";
import { checkDownloadUrl, type DownloadUrlRefusal } from "../../src/zoom/download-url-policy.js";

/** CONTRACT's default ZOOM_DOWNLOAD_HOSTS. */
const DEFAULT_HOSTS = ["zoom.us", "*.zoom.us", "zoomgov.com", "*.zoomgov.com"] as const;
/** What a test deployment adds to reach its fake Zoom. */
const WITH_LOOPBACK = [...DEFAULT_HOSTS, "127.0.0.1", "localhost", "::1"] as const;

describe("checkDownloadUrl accepts", () => {
  it.each([
    "https://zoom.us/rec/download/abc",
    "https://us02web.zoom.us/rec/webhook_download/abc/def?x=1",
    "https://ssrweb.zoom.us/replay/2021/file.mp4?Policy=p&Signature=s&Key-Pair-Id=k",
    "https://company.zoom.us/rec/download/abc",
    "https://a.b.c.zoom.us/deep",
    "https://US06WEB.ZOOM.US/rec/x",
    "https://zoom.us:443/rec/x",
    "https://file.zoomgov.com/rec/x",
    "https://zoomgov.com/rec/x",
  ])("%s", (url) => {
    const result = checkDownloadUrl(url, DEFAULT_HOSTS);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.url.href).toBe(new URL(url).href);
  });

  it.each([
    "http://127.0.0.1:41234/rec/download/a",
    "http://localhost:8080/rec",
    "http://LOCALHOST/rec",
    "https://127.0.0.1:8443/rec",
    "http://[::1]:3000/rec",
    "http://2130706433:9000/rec", // another spelling of 127.0.0.1, normalized by URL
    "http://0x7f.0.0.1/rec",
  ])("listed loopback over http on any port: %s", (url) => {
    expect(checkDownloadUrl(url, WITH_LOOPBACK).ok).toBe(true);
  });

  it("matches list entries case-insensitively and with stray whitespace", () => {
    expect(checkDownloadUrl("https://us02web.zoom.us/x", [" *.ZOOM.US "]).ok).toBe(true);
    expect(checkDownloadUrl("http://[::1]:1/x", ["[::1]"]).ok).toBe(true);
  });

  it("returns the parsed URL to fetch", () => {
    const result = checkDownloadUrl("https://US02WEB.zoom.us/rec/a%20b", DEFAULT_HOSTS);
    expect(result.ok && result.url.hostname).toBe("us02web.zoom.us");
  });
});

describe("checkDownloadUrl refuses (hostile table)", () => {
  it.each<[string, DownloadUrlRefusal, readonly string[]]>([
    // Not a URL or not http(s)
    ["", "invalid_url", DEFAULT_HOSTS],
    ["/rec/download/abc", "invalid_url", DEFAULT_HOSTS],
    ["zoom.us/rec", "invalid_url", DEFAULT_HOSTS],
    ["ftp://zoom.us/rec", "scheme_not_allowed", DEFAULT_HOSTS],
    ["file:///etc/passwd", "scheme_not_allowed", DEFAULT_HOSTS],
    ["javascript:alert(1)//zoom.us", "scheme_not_allowed", DEFAULT_HOSTS],
    ["data:text/html,zoom.us", "scheme_not_allowed", DEFAULT_HOSTS],
    ["ws://zoom.us/rec", "scheme_not_allowed", DEFAULT_HOSTS],
    // Userinfo tricks
    ["https://zoom.us@evil.com/rec", "userinfo_not_allowed", DEFAULT_HOSTS],
    ["https://user:pass@us02web.zoom.us/rec", "userinfo_not_allowed", DEFAULT_HOSTS],
    ["https://evil.com:x@zoom.us/rec", "userinfo_not_allowed", DEFAULT_HOSTS],
    ["https://@zoom.us/rec", "userinfo_not_allowed", DEFAULT_HOSTS],
    ["https://zoom.us%40evil.com/rec", "invalid_url", DEFAULT_HOSTS],
    // Suffix and look-alike hosts
    ["https://evilzoom.us/rec", "host_not_allowed", DEFAULT_HOSTS],
    ["https://zoom.us.evil.com/rec", "host_not_allowed", DEFAULT_HOSTS],
    ["https://us02web.zoom.us.evil.com/rec", "host_not_allowed", DEFAULT_HOSTS],
    ["https://zoom.usa/rec", "host_not_allowed", DEFAULT_HOSTS],
    ["https://zoom.us./rec", "host_not_allowed", DEFAULT_HOSTS],
    ["https://us02web.zoom.us./rec", "host_not_allowed", DEFAULT_HOSTS],
    ["https://zооm.us/rec", "host_not_allowed", DEFAULT_HOSTS], // Cyrillic о
    ["https://evil.com#@zoom.us", "host_not_allowed", DEFAULT_HOSTS],
    ["https://evil.com?.zoom.us", "host_not_allowed", DEFAULT_HOSTS],
    ["https://evil.com\\@zoom.us", "host_not_allowed", DEFAULT_HOSTS],
    ["https://evil.com/.zoom.us", "host_not_allowed", DEFAULT_HOSTS],
    ["https://zoom.us/", "host_not_allowed", ["*.zoom.us"]], // wildcard means subdomains only
    // IP literals and internal names not on the list
    ["http://169.254.169.254/latest/meta-data/", "host_not_allowed", DEFAULT_HOSTS],
    ["https://169.254.169.254/", "host_not_allowed", DEFAULT_HOSTS],
    ["http://127.0.0.1:8080/rec", "host_not_allowed", DEFAULT_HOSTS],
    ["http://localhost/rec", "host_not_allowed", DEFAULT_HOSTS],
    ["http://[::1]/rec", "host_not_allowed", DEFAULT_HOSTS],
    ["http://2130706433/", "host_not_allowed", DEFAULT_HOSTS],
    ["http://[::ffff:127.0.0.1]/", "host_not_allowed", WITH_LOOPBACK],
    ["http://127.0.0.2/", "host_not_allowed", WITH_LOOPBACK],
    ["https://10.0.0.1/", "host_not_allowed", ["*.0.0.1", "*.1"]], // wildcards never cover IPs
    ["http://127.0.0.1.nip.io/", "host_not_allowed", WITH_LOOPBACK],
    ["http://metadata.google.internal/", "host_not_allowed", DEFAULT_HOSTS],
    // Scheme and port rules for allowed non-loopback hosts
    ["http://zoom.us/rec", "https_required", DEFAULT_HOSTS],
    ["http://us02web.zoom.us/rec", "https_required", WITH_LOOPBACK],
    ["http://foo.localhost/rec", "host_not_allowed", WITH_LOOPBACK],
    ["http://foo.localhost/rec", "https_required", ["*.localhost"]], // only the listed loopback names
    ["https://zoom.us:8443/rec", "port_not_allowed", DEFAULT_HOSTS],
    ["https://us02web.zoom.us:80/rec", "port_not_allowed", DEFAULT_HOSTS],
    ["http://zoom.us:443/rec", "https_required", DEFAULT_HOSTS],
    // An empty or unusable list allows nothing
    ["https://zoom.us/rec", "host_not_allowed", []],
    ["https://zoom.us/rec", "host_not_allowed", ["", "*", "*.", "zoom.us:443", "zoom.us/rec", "u@zoom.us"]],
  ])("%s → %s", (url, reason, hosts) => {
    expect(checkDownloadUrl(url, hosts)).toEqual({ ok: false, reason });
  });
});

describe("used on a redirect chain", () => {
  it("stops at the first hop that leaves the list", () => {
    const hops = [
      "https://us02web.zoom.us/rec/webhook_download/a/b",
      "https://ssrweb.zoom.us/file.mp4?Signature=x",
      "http://169.254.169.254/latest/meta-data/",
    ];
    expect(hops.map((hop) => checkDownloadUrl(hop, DEFAULT_HOSTS).ok)).toEqual([true, true, false]);
  });
});
