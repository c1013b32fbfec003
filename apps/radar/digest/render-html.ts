/**
 * The digest as a standalone HTML page that mail clients show well: inline
 * styles only (mail clients drop <style> blocks and external CSS), one
 * centered column at most 640 px wide, no scripts, no images. Every piece of
 * text is HTML-escaped (a hostile title stays text), and links are only
 * http(s) URLs (render-common.ts).
 */
import { escapeHtml } from "../../../src/lexical/highlight.js";
import type { Digest, DigestItem } from "./digest-types.js";
import { authorLine, digestSpan, digestTitle, paperUrl, topicLine } from "./render-common.js";

const FONT = "font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif";

function itemHtml(item: DigestItem, rank: number): string {
  const url = paperUrl(item.paper);
  const title = escapeHtml(item.paper.title);
  const heading = url ? `<a href="${escapeHtml(url)}" style="color:#1a4f8b;text-decoration:none">${title}</a>` : title;
  const pick = item.pinned ? `<span style="display:inline-block;background:#fff3c4;color:#7a5a00;border-radius:3px;padding:1px 6px;font-size:12px;margin-right:6px">Editor's pick</span>` : "";
  const lines = [
    `<tr><td style="padding:16px 0;border-top:1px solid #e5e5e5">`,
    `<div style="font-size:13px;color:#888">${rank}.</div>`,
    `<h2 style="margin:2px 0 4px;font-size:18px;line-height:1.3">${pick}${heading}</h2>`,
    `<div style="font-size:13px;color:#555">${escapeHtml(authorLine(item.paper))}${item.paper.date ? ` · ${escapeHtml(item.paper.date)}` : ""}</div>`,
    `<p style="margin:8px 0;font-size:15px;line-height:1.5;color:#222">${escapeHtml(item.summary)}</p>`,
    `<div style="font-size:13px;color:#555"><strong>Topics:</strong> ${escapeHtml(topicLine(item))}</div>`,
    `<div style="font-size:13px;color:#555"><strong>Best for:</strong> ${escapeHtml(item.bestFor.join("; "))}</div>`,
  ];
  if (item.reasons.length) lines.push(`<div style="font-size:13px;color:#888"><strong>Why:</strong> ${escapeHtml(item.reasons.join("; "))}</div>`);
  lines.push(`</td></tr>`);
  return lines.join("\n");
}

export function renderDigestHtml(digest: Digest): string {
  const title = escapeHtml(digestTitle(digest));
  const notes = digest.notes.map((n) => `<p style="font-size:13px;color:#7a5a00;margin:4px 0">${escapeHtml(n)}</p>`).join("\n");
  const items = digest.items.map((item, i) => itemHtml(item, i + 1)).join("\n");
  const generated = digest.generatedBy === "llm" ? "Summaries written by a language model." : "Summaries are the abstracts' most informative sentences.";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
</head>
<body style="margin:0;padding:0;background:#f6f6f6">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f6f6f6"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:640px;background:#ffffff;border-radius:6px;padding:24px;${FONT}">
<tr><td>
<h1 style="margin:0;font-size:24px;color:#111">${title}</h1>
<div style="font-size:13px;color:#888;margin-top:4px">${escapeHtml(digestSpan(digest))}</div>
${notes}
<div style="margin:16px 0;padding:12px 16px;background:#f0f5fb;border-left:4px solid #1a4f8b;font-size:15px;line-height:1.5;color:#222"><strong>Key takeaway.</strong> ${escapeHtml(digest.takeaway)}</div>
</td></tr>
${items}
<tr><td style="padding-top:16px;border-top:1px solid #e5e5e5;font-size:12px;color:#999">${escapeHtml(generated)} Sent by Paper Radar.</td></tr>
</table>
</td></tr></table>
</body>
</html>
`;
}
