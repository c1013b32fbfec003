import { test } from "node:test";
import assert from "node:assert/strict";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { Digest } from "./digest-types.js";
import { renderDigestHtml } from "./render-html.js";
import { escapeMarkdown, renderDigestMarkdown } from "./render-markdown.js";
import { renderDigestRss } from "./render-rss.js";

const HOSTILE = `<script>alert("x")</script> & <img src=x onerror=alert(1)> [link](javascript:alert(1)) **bold**`;

function digest(): Digest {
  return {
    week: "2026-W27",
    from: "2026-06-29",
    to: "2026-07-05",
    takeaway: "Common thread: dense retrieval <b>&</b> hard negatives.",
    themes: ["dense"],
    generatedBy: "extractive",
    notes: ["a note with <tags>"],
    items: [
      {
        paper: { id: "2606.00001", title: HOSTILE, abstract: "x", authors: ["A <B>"], categories: ["cs.IR"], date: "2026-06-30", links: { abs: "javascript:alert(1)" } },
        summary: `Summary with ${HOSTILE} and control\u0001char.`,
        topics: [{ kind: "category", value: "cs.IR", matched: true }],
        bestFor: ["researchers in <dense> retrieval"],
        reasons: ["Editor's pick: read <this>"],
        pinned: true,
      },
      {
        paper: { id: "2606.00002", title: "Plain title", abstract: "y", authors: [], categories: ["cs.CL", "cs.IR"], date: "2026-07-01" },
        summary: "A plain summary.",
        topics: [{ kind: "category", value: "cs.CL", matched: false }],
        bestFor: ["practitioners building RAG systems"],
        reasons: [],
        pinned: false,
      },
    ],
  };
}

test("HTML: a standalone page with every text escaped and no unsafe link", () => {
  const html = renderDigestHtml(digest());
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok(!html.includes("<script"), "no script element");
  assert.ok(!/<img/i.test(html), "no injected element");
  assert.ok(!/javascript:alert\(1\)"/.test(html) && !html.includes('href="javascript'), "no javascript: link");
  assert.ok(html.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
  assert.ok(html.includes("Editor&#39;s pick") || html.includes("Editor's pick"));
  assert.ok(html.includes('href="https://arxiv.org/abs/2606.00002"'));
  assert.ok(html.includes("&lt;tags&gt;"));
  // every element opened by the template is one of a few harmless ones
  const tags = new Set([...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1].toLowerCase()));
  for (const tag of tags) assert.ok(["html", "head", "meta", "title", "body", "table", "tr", "td", "h1", "h2", "div", "p", "a", "span", "strong"].includes(tag), tag);
});

test("Markdown: title, takeaway, one numbered section per paper, syntax in paper text escaped", () => {
  const md = renderDigestMarkdown(digest());
  const lines = md.split("\n");
  assert.match(lines[0], /^# .*2026-W27/);
  const sections = lines.filter((l) => /^## \d+\\\. /.test(l));
  assert.equal(sections.length, 2);
  assert.match(sections[1], /\[Plain title\]\(<https:\/\/arxiv\.org\/abs\/2606\.00002>\)/);
  assert.ok(!/[^\\]\]\(javascript/.test(sections[0]), "no javascript: link");
  assert.ok(!/(^|[^\\])<script/.test(md), "raw HTML is escaped");
  assert.ok(!/(^|[^\\])\*\*bold/.test(md), "emphasis in a title is escaped");
  assert.ok(lines.some((l) => l.startsWith("**Key takeaway.**")));
  assert.equal(lines.filter((l) => l.startsWith("- **Best for:**")).length, 2);
  assert.equal(escapeMarkdown("1. not a list"), "1\\. not a list");
  assert.equal(escapeMarkdown("# not a heading"), "\\# not a heading");
});

/** What a feed reader shows for an RSS description: the XML-decoded value, rendered as HTML (here: its text, and the elements it would create). */
function renderedAsHtml(html: string): { text: string; elements: string[] } {
  const elements = [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]);
  const text = html.replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
  return { text, elements };
}

test("RSS: descriptions are HTML as readers expect; parsed and rendered, hostile text shows as text and creates no element", () => {
  const xml = renderDigestRss(digest(), { link: "http://localhost:8080/", now: Date.UTC(2026, 6, 6) });
  assert.equal(XMLValidator.validate(xml), true);
  // a real XML parse, entities decoded, as a feed reader does
  const doc = new XMLParser({ ignoreAttributes: false, processEntities: true, htmlEntities: false, isArray: (name) => name === "item" }).parse(xml);
  const channel = doc.rss.channel;
  const first = renderedAsHtml(String(channel.item[0].description));
  assert.deepEqual(first.elements, [], "no <script>, <img> or any other element reaches the reader");
  assert.ok(first.text.includes(HOSTILE), "the reader shows the summary's text as written");
  const takeaway = renderedAsHtml(String(channel.description));
  assert.deepEqual(takeaway.elements, []);
  assert.ok(takeaway.text.includes("dense retrieval <b>&</b> hard negatives"));
  assert.ok(xml.includes("&amp;lt;script&amp;gt;"), "HTML-escaped, then XML-escaped");
  assert.equal(channel.item[0].title, HOSTILE, "titles are plain text: escaped once, they parse back to the text");
});

test("RSS: valid XML that parses back to the digest's items", () => {
  const xml = renderDigestRss(digest(), { link: "http://localhost:8080/", now: Date.UTC(2026, 6, 6) });
  assert.equal(XMLValidator.validate(xml), true);
  const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === "item" || name === "category" }).parse(xml);
  assert.equal(doc.rss["@_version"], "2.0");
  const channel = doc.rss.channel;
  assert.match(channel.title, /2026-W27/);
  assert.ok(String(channel.description).includes("dense retrieval &lt;b&gt;&amp;&lt;/b&gt;"), "the takeaway is HTML-escaped text inside the XML");
  assert.equal(channel.item.length, 2);
  assert.equal(channel.item[0].title, HOSTILE);
  assert.equal(channel.item[0].link, "https://arxiv.org/abs/2606.00001");
  assert.ok(!String(channel.item[0].description).includes("\u0001"));
  assert.deepEqual(channel.item[1].category, ["cs.CL", "cs.IR"]);
  assert.equal(channel.item[1].guid["@_isPermaLink"], "false");
  assert.notEqual(channel.item[0].guid["#text"], channel.item[1].guid["#text"]);
  assert.ok(!Number.isNaN(Date.parse(channel.item[1].pubDate)));
});
