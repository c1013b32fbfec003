/**
 * The digest as Markdown (CommonMark): a title, the takeaway as a quote,
 * then one numbered section per paper. Text from papers is escaped: every
 * ASCII punctuation character that Markdown reads as syntax gets a
 * backslash, so a title cannot open a link, emphasis or raw HTML. It is also
 * the plain-text part of the digest's email.
 */
import type { Digest } from "./digest-types.js";
import { authorLine, digestSpan, digestTitle, paperUrl, topicLine } from "./render-common.js";

/**
 * `text` on one line with Markdown syntax escaped: the characters that open
 * inline syntax anywhere (\\ ` * _ [ ] < > & ~ |) get a backslash, and so does
 * whatever would start a block at the line's start (#, >, -, +, =, "1." or
 * "1)"). Other punctuation stays as it is, so the text reads well as plain text.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[\\`*_[\]<>&~|]/g, (ch) => `\\${ch}`)
    .replace(/^([#>+=-])/, "\\$1")
    .replace(/^(\d+)([.)])/, "$1\\$2");
}

/** A URL for a Markdown link target: <...> form, with the characters that could end it percent-encoded. */
function linkTarget(url: string): string {
  return `<${url.replace(/[<>\s]/g, (ch) => encodeURIComponent(ch))}>`;
}

export function renderDigestMarkdown(digest: Digest): string {
  const out: string[] = [`# ${escapeMarkdown(digestTitle(digest))}`, "", `*${escapeMarkdown(digestSpan(digest))}*`, ""];
  for (const note of digest.notes) out.push(`> ${escapeMarkdown(note)}`, "");
  out.push(`**Key takeaway.** ${escapeMarkdown(digest.takeaway)}`, "");
  digest.items.forEach((item, i) => {
    const url = paperUrl(item.paper);
    const title = escapeMarkdown(item.paper.title);
    out.push(`## ${i + 1}\\. ${item.pinned ? "⭐ Editor's pick: " : ""}${url ? `[${title}](${linkTarget(url)})` : title}`, "");
    const byline = [authorLine(item.paper), item.paper.date].filter(Boolean).join(" · ");
    if (byline) out.push(`*${escapeMarkdown(byline)}*`, "");
    out.push(escapeMarkdown(item.summary), "");
    out.push(`- **Topics:** ${escapeMarkdown(topicLine(item))}`);
    out.push(`- **Best for:** ${escapeMarkdown(item.bestFor.join("; "))}`);
    if (item.reasons.length) out.push(`- **Why:** ${escapeMarkdown(item.reasons.join("; "))}`);
    out.push("");
  });
  out.push(`---`, "", digest.generatedBy === "llm" ? "*Summaries written by a language model.*" : "*Summaries are the abstracts' most informative sentences.*", "");
  return out.join("\n");
}
