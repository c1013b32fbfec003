/**
 * Test helper (tests only): a small corpus of papers on four clearly separate
 * topics (information retrieval, computer vision, proteins, galaxies), each
 * paper's text drawn from its topic's phrases with a seeded generator, all
 * dated in one week (2026-06-08..13) so they share a feed window. For the
 * corpus map's and onboarding's tests.
 */
import { SeededRandom } from "../../../src/core/random.js";
import type { Paper } from "../papers.js";

export const TOPIC_PHRASES = {
  ir: {
    category: "cs.IR",
    phrases: [
      "dense passage retrieval",
      "ranking documents for search queries",
      "query expansion with relevance feedback",
      "BM25 baselines for ad hoc retrieval",
      "reranking retrieved passages",
      "learned sparse retrieval of documents",
      "relevance judgments for search evaluation",
      "conversational search and query rewriting",
    ],
  },
  cv: {
    category: "cs.CV",
    phrases: [
      "convolutional networks for image classification",
      "object detection in video frames",
      "semantic segmentation of street images",
      "pixel level image restoration",
      "visual recognition with vision transformers",
      "image generation with diffusion of pixels",
      "depth estimation from camera images",
      "video action recognition from frames",
    ],
  },
  bio: {
    category: "q-bio.BM",
    phrases: [
      "protein folding and structure prediction",
      "binding affinity of drug molecules",
      "enzyme catalysis in protein pockets",
      "molecular dynamics of protein membranes",
      "drug discovery with molecule generation",
      "amino acid sequences of proteins",
      "ligand docking to protein targets",
      "antibody design for protein binding",
    ],
  },
  astro: {
    category: "astro-ph.GA",
    phrases: [
      "dark matter halos of galaxies",
      "stellar populations in dwarf galaxies",
      "telescope surveys of galaxy redshift",
      "star formation in galactic discs",
      "gravitational lensing of distant galaxies",
      "supernova light curves from telescope data",
      "black hole accretion in galaxy centres",
      "spectroscopy of stellar atmospheres",
    ],
  },
} as const;

export type TopicName = keyof typeof TOPIC_PHRASES;
export const TOPIC_NAMES = Object.keys(TOPIC_PHRASES) as TopicName[];

/** `perTopic` papers per topic, ids `<topic>-<n>`. */
export function topicCorpus(perTopic = 6, seed = 7): Paper[] {
  const rng = new SeededRandom(seed);
  const papers: Paper[] = [];
  for (const topic of TOPIC_NAMES) {
    const { category, phrases } = TOPIC_PHRASES[topic];
    for (let i = 0; i < perTopic; i++) {
      const pick = () => phrases[rng.int(phrases.length)];
      const title = `${capitalize(pick())} and ${pick()}`;
      papers.push({
        id: `${topic}-${i}`,
        title,
        abstract: `We study ${pick()}. Our method improves ${pick()}. Experiments on ${pick()} confirm it.`,
        authors: [`Author ${topic} ${i}`],
        categories: [category],
        primaryCategory: category,
        date: `2026-06-${String(8 + (i % 6)).padStart(2, "0")}`,
      });
    }
  }
  return papers;
}

/** The topic of a paper of `topicCorpus` (from its id). */
export function topicOf(paperId: string): TopicName {
  return paperId.split("-")[0] as TopicName;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
