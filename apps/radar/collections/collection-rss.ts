/**
 * A collection's RSS 2.0 feed: the papers most like the collection (its
 * "more like this"), one item each with a stable guid per paper, so a feed
 * reader shows a paper once and new papers as they come to rank. Escaping as
 * the digest's feed (digest/render-rss.ts): titles are text, descriptions
 * HTML-escaped then XML-escaped.
 */
import { XMLBuilder } from "fast-xml-parser";
import { rfc822Day, xmlSafe } from "../digest/render-rss.js";
import { authorLine, paperUrl } from "../digest/render-common.js";
import type { Paper } from "../papers.js";
import { escapeHtml } from "../../../src/lexical/highlight.js";

export function renderCollectionRss(name: string, papers: readonly Paper[], options: { link: string; now?: number }): string {
  const item = papers.map((paper) => {
    const url = paperUrl(paper);
    const out: Record<string, unknown> = {
      title: xmlSafe(paper.title),
      ...(url ? { link: url } : {}),
      description: xmlSafe(escapeHtml(`${authorLine(paper)}. ${paper.abstract ?? ""}`)),
      guid: { "#text": xmlSafe(`paper-radar:paper:${paper.id}`), "@_isPermaLink": "false" },
      category: (paper.categories ?? []).map(xmlSafe),
    };
    const date = rfc822Day(paper.date);
    if (date) out.pubDate = date;
    return out;
  });
  const channel = {
    title: xmlSafe(`Paper Radar: more like “${name}”`),
    link: options.link,
    description: xmlSafe(`Papers like the ones in the collection “${name}”, best first.`),
    language: "en",
    lastBuildDate: new Date(options.now ?? Date.now()).toUTCString(),
    generator: "Trove Paper Radar",
    item,
  };
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", format: true, suppressEmptyNode: false });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ rss: { "@_version": "2.0", channel } }) as string}`;
}
