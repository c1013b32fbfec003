/**
 * Test helper (tests only; nothing the app runs imports it), for the
 * digest's, trending's and search tests: a small corpus of papers (most in
 * ISO week 2026-W27, a few earlier) in a temporary store, with the services
 * the digest builder reads.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Collection } from "../../../src/engine/collection.js";
import { openStore } from "../../../src/store/open-store.js";
import type { Store } from "../../../src/store/store.js";
import { Feedback } from "../feedback/feedback.js";
import { PaperSearch } from "../search/paper-search.js";
import { Pins } from "../pins/pins.js";
import { openPapersCollection } from "../radar-server.js";
import { Topics } from "../topics/topics.js";
import type { Paper } from "../papers.js";

export const WEEK = "2026-W27";

export const TEST_PAPERS: Paper[] = [
  {
    id: "2606.10001",
    title: "Hard Negatives for Dense Passage Retrieval",
    abstract:
      "Dense passage retrieval encodes queries and passages with a dual encoder. We show that mining hard negatives from BM25 improves dense retrieval on open-domain questions. Hard negatives raise top-20 accuracy by 4 points. Code is available at https://github.com/example/x.",
    authors: ["Ada Lovelace"],
    categories: ["cs.IR"],
    primaryCategory: "cs.IR",
    date: "2026-06-29",
  },
  {
    id: "2606.10002",
    title: "Distilling Cross-Encoders into Dense Retrievers",
    abstract:
      "Cross-encoders rank passages well but are slow. We distill a cross-encoder into a dense retriever, which keeps most of its ranking quality at a fraction of the latency. In this paper, we also study which negatives help distillation.",
    authors: ["Grace Hopper"],
    categories: ["cs.IR", "cs.CL"],
    primaryCategory: "cs.IR",
    date: "2026-06-30",
  },
  {
    id: "2607.10003",
    title: "A Survey of Retrieval-Augmented Generation",
    abstract:
      "Retrieval-augmented generation (RAG) grounds large language models in retrieved documents. This survey reviews retrievers, generators and their training. We close with open problems in evaluating RAG systems.",
    authors: ["Alan Turing", "Edsger Dijkstra"],
    categories: ["cs.CL", "cs.IR"],
    primaryCategory: "cs.CL",
    date: "2026-07-01",
  },
  {
    id: "2607.10004",
    title: "Neural Machine Translation for Low-Resource Languages",
    abstract: "Translation between low-resource languages lacks parallel data. We back-translate monolingual text and improve BLEU by 3 points on four language pairs.",
    authors: ["Barbara Liskov"],
    categories: ["cs.CL"],
    primaryCategory: "cs.CL",
    date: "2026-07-02",
  },
  {
    id: "2607.10005",
    title: "A Benchmark for Conversational Search",
    abstract: "We release a benchmark of 5,000 conversational search sessions with relevance judgments. Dense retrievers lose 20% of their effectiveness on follow-up questions.",
    authors: ["Ken Thompson"],
    categories: ["cs.IR"],
    primaryCategory: "cs.IR",
    date: "2026-07-05",
  },
  {
    id: "2605.10006",
    title: "Graph Neural Networks for Molecules",
    abstract: "Message passing networks predict molecular properties from graphs.",
    authors: ["Marie Curie"],
    categories: ["cs.LG"],
    primaryCategory: "cs.LG",
    date: "2026-05-11",
  },
];

export interface TestRadar {
  dataDir: string;
  store: Store;
  papers: Collection;
  search: PaperSearch;
  feedback: Feedback;
  topics: Topics;
  pins: Pins;
  close(): Promise<void>;
}

/** Opens a temporary store holding `papers`, with the Radar services over it. */
export async function openTestRadar(papers: readonly Paper[] = TEST_PAPERS, options: { now?: () => number } = {}): Promise<TestRadar> {
  const dataDir = mkdtempSync(join(tmpdir(), "radar-digest-"));
  const store = await openStore(dataDir);
  const collection = await openPapersCollection(store, dataDir);
  await collection.put(papers.map((p) => ({ ...p })));
  const feedback = await Feedback.open(store, join(dataDir, "indexes"), { now: options.now });
  return {
    dataDir,
    store,
    papers: collection,
    search: new PaperSearch(collection),
    feedback,
    topics: await Topics.open(store),
    pins: await Pins.open(store),
    async close() {
      await feedback.close();
      await collection.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
