/**
 * "Best for": who should read a paper, in the newsletter style ("practitioners
 * building RAG systems", "researchers in dense retrieval"). A documented
 * heuristic, not a model:
 *
 * 1. The paper's area: the first entry of AREAS whose pattern matches the
 *    title or abstract (specific areas come before broad ones), else the
 *    name of its primary arXiv category (CATEGORY_NAMES), else its code.
 * 2. Its contribution type: cue words in the title first (a word is enough
 *    there), then cue phrases in the abstract that state a contribution
 *    ("we introduce a benchmark", "this survey", "deployed"), since
 *    abstracts mention benchmarks and efficiency in passing. The first
 *    type that matches, in this order, wins:
 *    - survey -> "newcomers wanting an overview of <area>";
 *    - resource (benchmark, dataset, corpus, test collection) -> "researchers evaluating <area>";
 *    - system (serving, deployed, in production, library, toolkit) -> "practitioners building <what the area builds>";
 *    - theory (theorem, we prove, bounds, convergence) -> "theorists in <area>";
 *    - otherwise (a method or an analysis) -> "researchers in <area>".
 * 3. A second audience when the paper also speaks to practitioners (system
 *    cues, but another type won): "practitioners building <what the area builds>".
 *
 * AREAS give both a field name ("dense retrieval") and what a practitioner
 * builds there ("RAG systems"); category names serve for both.
 */

interface Area {
  pattern: RegExp;
  field: string;
  builds: string;
}

const AREAS: readonly Area[] = [
  { pattern: /\bretrieval[- ]augmented generation\b|\bRAG\b/, field: "retrieval-augmented generation", builds: "RAG systems" },
  { pattern: /\bconversational (?:search|recommend\w*|agents?)\b|\bdialog(?:ue)? systems?\b/i, field: "conversational systems", builds: "conversational assistants" },
  { pattern: /\bdense (?:passage )?retriev\w*|\bbi-?encoders?\b|\bdual[- ]encoders?\b|\bembedding[- ]based retrieval\b/i, field: "dense retrieval", builds: "embedding-based search" },
  { pattern: /\blearned sparse\b|\bSPLADE\b|\bBM25\b|\binverted index\w*\b/i, field: "sparse and lexical retrieval", builds: "search engines" },
  { pattern: /\bre-?rank\w*|\blearning[- ]to[- ]rank\b|\bcross[- ]encoders?\b/i, field: "ranking", builds: "ranking pipelines" },
  { pattern: /\bquery (?:expansion|reformulation|rewriting)\b/i, field: "query understanding", builds: "search engines" },
  { pattern: /\bsequential recommend\w*|\bsession-based recommend\w*/i, field: "sequential recommendation", builds: "recommender systems" },
  { pattern: /\brecommend\w*|\bcollaborative filtering\b/i, field: "recommender systems", builds: "recommender systems" },
  { pattern: /\bquestion answering\b|\bQA\b/, field: "question answering", builds: "question-answering systems" },
  { pattern: /\bmachine translation\b/i, field: "machine translation", builds: "translation systems" },
  { pattern: /\b(?:LLM|LLMs)\b|\blarge language models?\b/i, field: "large language models", builds: "LLM applications" },
  { pattern: /\bevaluation (?:metrics?|methodology)\b|\brelevance judg\w*/i, field: "IR evaluation", builds: "evaluation pipelines" },
  { pattern: /\bsearch\b|\bretriev\w*/i, field: "information retrieval", builds: "search systems" },
];

export const CATEGORY_NAMES: Readonly<Record<string, string>> = {
  "cs.IR": "information retrieval",
  "cs.CL": "natural language processing",
  "cs.LG": "machine learning",
  "cs.AI": "artificial intelligence",
  "cs.CV": "computer vision",
  "cs.DB": "databases",
  "cs.DL": "digital libraries",
  "cs.HC": "human-computer interaction",
  "cs.SI": "social networks",
  "cs.CY": "computers and society",
  "cs.SE": "software engineering",
  "cs.DS": "algorithms",
  "cs.CR": "security",
  "stat.ML": "machine learning",
};

type Contribution = "survey" | "resource" | "system" | "theory" | "method";

/** Cues read in the title: a word is enough there. */
const TITLE_CUES: ReadonlyArray<[Exclude<Contribution, "method">, RegExp]> = [
  ["survey", /\bsurvey\w*|\b(?:literature |systematic )?review\b|\boverview\b|\btutorial\b|\bsystematiz\w*/i],
  ["resource", /\bbenchmarks?\b|\bdatasets?\b|\bcorpus\b|\bcorpora\b|\btest collections?\b/i],
  ["system", /\bsystems? for\b|\bin production\b|\bat scale\b|\blibrary\b|\btoolkit\b|\blow[- ]latency\b|\bserving\b|\bdeploy\w*/i],
  ["theory", /\btheor\w*|\bbounds?\b|\bconvergence\b/i],
];

/** Cues read in the abstract: phrases that state the contribution, since abstracts mention benchmarks and efficiency in passing. */
const ABSTRACT_CUES: ReadonlyArray<[Exclude<Contribution, "method">, RegExp]> = [
  ["survey", /\b(?:this|our) (?:survey|review|overview|tutorial)\b|\bwe (?:survey|review|systematically review)\b/i],
  [
    "resource",
    /\bwe (?:introduce|present|release|construct|build|create|curate|collect|propose)\b[^.]{0,80}\b(?:benchmarks?|datasets?|corpus|corpora|test collections?)\b|\bwe (?:publicly )?release\b/i,
  ],
  ["system", /\bdeployed\b|\bin production\b|\bopen[- ]source (?:library|toolkit|system|framework)\b|\bpractitioners?\b|\bwe (?:build|implement|present) a (?:system|library|toolkit)\b/i],
  ["theory", /\btheorem\b|\bwe prove\b|\b(?:upper|lower|regret|generalization) bounds?\b|\bconvergence (?:rate|guarantee)s?\b/i],
];

export interface BestForInput {
  title: string;
  abstract?: string;
  categories?: readonly string[];
}

/** The paper's contribution type (see the header). */
export function contributionOf(paper: BestForInput): Contribution {
  // the title speaks louder: a "survey" in the title beats a "dataset" in the abstract
  for (const [kind, cue] of TITLE_CUES) if (cue.test(paper.title)) return kind;
  for (const [kind, cue] of ABSTRACT_CUES) if (cue.test(paper.abstract ?? "")) return kind;
  return "method";
}

/** Who should read the paper: one or two audiences (see the header). */
export function bestFor(paper: BestForInput): string[] {
  const text = `${paper.title} ${paper.abstract ?? ""}`;
  const area = AREAS.find((a) => a.pattern.test(text));
  const primary = paper.categories?.[0];
  const categoryName = primary ? (CATEGORY_NAMES[primary] ?? primary) : "this field";
  const field = area?.field ?? categoryName;
  const builds = area?.builds ?? `${categoryName} systems`;
  const kind = contributionOf(paper);
  const audiences: string[] = [];
  switch (kind) {
    case "survey":
      audiences.push(`newcomers wanting an overview of ${field}`);
      break;
    case "resource":
      audiences.push(`researchers evaluating ${field}`);
      break;
    case "system":
      audiences.push(`practitioners building ${builds}`);
      break;
    case "theory":
      audiences.push(`theorists in ${field}`);
      break;
    default:
      audiences.push(`researchers in ${field}`);
  }
  const systemCues = [TITLE_CUES, ABSTRACT_CUES].map((cues) => cues.find(([k]) => k === "system")![1]);
  if (kind !== "system" && (systemCues[0].test(paper.title) || systemCues[1].test(paper.abstract ?? ""))) {
    audiences.push(`practitioners building ${builds}`);
  }
  return audiences;
}
