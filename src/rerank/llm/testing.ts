/**
 * For tests only: a local OpenAI-compatible chat server whose answers come
 * from a function of the request's messages, and an "oracle" model that
 * ranks passages by a hidden relevance (each passage names its document as
 * "doc-<n>"), for RankGPT's listwise prompts and PRP's pairwise ones.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChatMessage } from "./chat-client.js";

export interface FakeAnswer {
  /** HTTP status (default 200). */
  status?: number;
  /** The whole response body (default: a chat completion whose content is `content`). */
  body?: string;
  content?: string;
  /** Reported usage.total_tokens (default: none, so the client estimates). */
  tokens?: number;
}

export interface FakeChatServer {
  url: string;
  /** Requests received: their messages and authorization header. */
  requests: Array<{ messages: ChatMessage[]; authorization?: string; model?: string }>;
  close(): Promise<void>;
}

export async function startFakeChatServer(answer: (messages: ChatMessage[], index: number) => FakeAnswer): Promise<FakeChatServer> {
  const requests: FakeChatServer["requests"] = [];
  const server: Server = createServer(async (req, res) => {
    const body = JSON.parse(await readBody(req)) as { messages: ChatMessage[]; model?: string };
    requests.push({ messages: body.messages, authorization: req.headers.authorization, model: body.model });
    const reply = answer(body.messages, requests.length - 1);
    res.writeHead(reply.status ?? 200, { "content-type": "application/json" });
    const usage = reply.tokens === undefined ? {} : { usage: { total_tokens: reply.tokens } };
    res.end(reply.body ?? JSON.stringify({ choices: [{ index: 0, message: { role: "assistant", content: reply.content ?? "" } }], ...usage }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.on("data", (chunk: Buffer) => (data += chunk.toString("utf8")));
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}

/** The document a passage names ("doc-17" -> 17), or -1. */
function documentOf(text: string): number {
  const match = text.match(/doc-(\d+)/);
  return match ? Number(match[1]) : -1;
}

/**
 * A model that knows each document's relevance: for a RankGPT prompt it answers the window's passages
 * best first ("[4] > [1] > ..."); for a PRP prompt, "Passage A" or "Passage B", whichever is more relevant.
 */
export function oracleAnswer(relevance: (doc: number) => number): (messages: ChatMessage[]) => FakeAnswer {
  return (messages) => {
    const last = messages[messages.length - 1].content;
    if (last.includes("Passage A:")) {
      const a = documentOf(last.slice(last.indexOf("Passage A:"), last.indexOf("Passage B:")));
      const b = documentOf(last.slice(last.indexOf("Passage B:")));
      return { content: relevance(a) >= relevance(b) ? "Passage A" : "Passage B" };
    }
    const passages = messages
      .filter((m) => m.role === "user" && /^\[\d+\] /.test(m.content))
      .map((m) => ({ label: Number(m.content.slice(1, m.content.indexOf("]"))), doc: documentOf(m.content) }));
    passages.sort((x, y) => relevance(y.doc) - relevance(x.doc));
    return { content: passages.map((p) => `[${p.label}]`).join(" > ") };
  };
}
