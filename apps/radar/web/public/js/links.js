// Links to other sites, from paper data: only http(s) URLs become links. A
// stored `javascript:` or `data:` link (imported before imports refused
// them, or written to the store directly) is never rendered as an href.

/** `url` when it is an absolute http(s) URL, else undefined. */
export function httpHref(url) {
  if (typeof url !== "string") return undefined;
  try {
    const parsed = new URL(url.trim());
    return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
