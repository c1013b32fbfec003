/**
 * Search text that names one paper rather than describing it: an arXiv id
 * (with or without "arXiv:" and a version), an arXiv abstract, PDF or HTML
 * URL, a DOI (bare, "doi:", or a doi.org URL). arXiv's own DOIs
 * (10.48550/arXiv.<id>) are arXiv ids. Anything else is not a reference.
 */
import { normalizeArxivId } from "../papers.js";

export type PaperReference = { kind: "arxiv"; id: string } | { kind: "doi"; doi: string };

const NEW_ID = /^\d{4}\.\d{4,5}(?:v\d+)?$/;
const OLD_ID = /^[a-z][a-z-]*(?:\.[A-Z]{2})?\/\d{7}(?:v\d+)?$/;
const ARXIV_URL = /^(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\/([^?#\s]+?)(?:\.pdf)?\/?(?:[?#].*)?$/i;
const DOI = /^10\.\d{4,9}\/\S+$/;
const DOI_URL = /^(?:https?:\/\/)?(?:dx\.)?doi\.org\/(10\.\d{4,9}\/\S+)$/i;
const ARXIV_DOI = /^10\.48550\/arxiv\.(.+)$/i;

function arxivId(text: string): string | undefined {
  const bare = text.replace(/^arxiv:\s*/i, "");
  if (NEW_ID.test(bare) || OLD_ID.test(bare)) return normalizeArxivId(bare);
  return undefined;
}

/** The paper `text` names, or undefined when it is ordinary search text. */
export function paperReference(text: string): PaperReference | undefined {
  const t = text.trim();
  if (!t || /\s/.test(t)) return undefined;
  const url = ARXIV_URL.exec(t);
  if (url) {
    const id = arxivId(decodeURIComponent(url[1]));
    return id ? { kind: "arxiv", id } : undefined;
  }
  const id = arxivId(t);
  if (id) return { kind: "arxiv", id };
  const doiText = DOI_URL.exec(t)?.[1] ?? t.replace(/^doi:\s*/i, "");
  if (!DOI.test(doiText)) return undefined;
  const doi = decodeURIComponentSafe(doiText).replace(/[.,;]$/, "");
  const arxiv = ARXIV_DOI.exec(doi);
  if (arxiv) {
    const inner = arxivId(arxiv[1]);
    if (inner) return { kind: "arxiv", id: inner };
  }
  return { kind: "doi", doi: doi.toLowerCase() };
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
