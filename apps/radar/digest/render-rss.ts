/**
 * The digest as an RSS 2.0 feed: one channel (the week, the takeaway as its
 * description), one item per paper (title, link, a stable guid of week and
 * paper, the summary with topics and audience as its description, its
 * categories, its date).
 *
 * The XML is written by fast-xml-parser's XMLBuilder, already a dependency,
 * which escapes text and attribute values (& < > " '); characters XML 1.0
 * forbids (most C0 controls, lone surrogates) are removed first.
 *
 * Descriptions hold HTML (RSS 2.0: "entity-encoded HTML is allowed", and
 * readers render them as HTML): a reader undoes the XML escaping, then
 * renders what is left as HTML. So the description's text is HTML-escaped
 * first and XML-escaped on top; escaped once, a summary mentioning
 * `<script>` would reach the reader as markup. Titles and categories are
 * plain text, escaped once. The `feed`
 * package would do the same job through one more dependency (xml-js) and
 * offers nothing an RSS of ten items needs.
 */
import { XMLBuilder } from "fast-xml-parser";
import { escapeHtml } from "../../../src/lexical/highlight.js";
import type { Digest } from "./digest-types.js";
import { digestSpan, digestTitle, paperUrl, topicLine } from "./render-common.js";

export interface RssOptions {
  /** The page the channel links to (default: https://arxiv.org/). */
  link?: string;
  /** The feed's own URL, written as atom:link rel="self" when given (no credentials in it). */
  self?: string;
  /** Build time, epoch ms (default now). */
  now?: number;
}

/** Removes what XML 1.0 cannot hold: C0 controls other than tab, LF, CR; U+FFFE/U+FFFF; lone surrogates. */
export function xmlSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, ""); // eslint-disable-line no-control-regex
}

/** RFC 822 date of a YYYY-MM-DD day (noon UTC), as RSS 2.0 wants. */
export function rfc822Day(day: string): string | undefined {
  const ms = Date.parse(`${day}T12:00:00Z`);
  return Number.isFinite(ms) ? new Date(ms).toUTCString() : undefined;
}

export function renderDigestRss(digest: Digest, options: RssOptions = {}): string {
  const items = digest.items.map((item) => {
    const url = paperUrl(item.paper);
    const description = [item.summary, `Topics: ${topicLine(item)}.`, `Best for: ${item.bestFor.join("; ")}.`];
    if (item.pinned) description.unshift("Editor's pick.");
    const out: Record<string, unknown> = {
      title: xmlSafe(item.paper.title),
      ...(url ? { link: url } : {}),
      description: xmlSafe(escapeHtml(description.join(" "))),
      guid: { "#text": xmlSafe(`paper-radar:${digest.week}:${item.paper.id}`), "@_isPermaLink": "false" },
      category: (item.paper.categories ?? []).map(xmlSafe),
    };
    const date = rfc822Day(item.paper.date);
    if (date) out.pubDate = date;
    return out;
  });
  const channel: Record<string, unknown> = {
    title: xmlSafe(digestTitle(digest)),
    link: options.link ?? "https://arxiv.org/",
    description: xmlSafe(escapeHtml(`${digestSpan(digest)}. ${digest.takeaway}`)),
    language: "en",
    lastBuildDate: new Date(options.now ?? Date.now()).toUTCString(),
    generator: "Trove Paper Radar",
    item: items,
  };
  if (options.self) channel["atom:link"] = { "@_href": options.self, "@_rel": "self", "@_type": "application/rss+xml" };
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", format: true, suppressEmptyNode: false });
  const xml = builder.build({
    rss: { "@_version": "2.0", "@_xmlns:atom": "http://www.w3.org/2005/Atom", channel },
  }) as string;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
}
