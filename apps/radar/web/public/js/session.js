// Who is signed in, and the reader's save/like/hide states (so buttons show
// them). Both are loaded from the API and kept for the page's lifetime.
import { ApiError, del, get, post } from "./api.js";

export const session = {
  /** The signed-in reader ({ id, email, role }) or null. */
  reader: null,
};

/** Asks the API who is signed in (the session cookie is HttpOnly, so only the server knows). */
export async function loadSession() {
  try {
    session.reader = await get("/api/me");
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    session.reader = null;
  }
  feedbackState.clear();
  loaded = null;
  return session.reader;
}

/** paper id -> { save?: feedback id, like?: feedback id, hide?: feedback id } */
const feedbackState = new Map();
let loaded = null;

const STATE_KINDS = ["save", "like", "hide"];
const PAGE = 100;
const MAX_PAGES = 20;

/** Loads the reader's save/like/hide records once (later calls reuse them). */
export function loadFeedback() {
  if (!session.reader) return Promise.resolve();
  if (!loaded) {
    loaded = (async () => {
      for (const kind of STATE_KINDS) {
        for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
          const result = await get("/api/feedback", { kind, limit: PAGE, offset });
          for (const record of result.items) setState(record.item, kind, record.id);
          if (result.next === null || result.next === undefined) break;
          offset = result.next;
        }
      }
    })().catch((error) => {
      loaded = null;
      throw error;
    });
  }
  return loaded;
}

function setState(paperId, kind, id) {
  const state = feedbackState.get(paperId) ?? {};
  if (id) state[kind] = id;
  else delete state[kind];
  feedbackState.set(paperId, state);
}

/** True when the reader has set `kind` (save, like, hide) on the paper. */
export function hasFeedback(paperId, kind) {
  return Boolean(feedbackState.get(paperId)?.[kind]);
}

/** Sets or clears `kind` on the paper through the API; resolves to the new state (true = set). */
export async function toggleFeedback(paperId, kind) {
  const id = feedbackState.get(paperId)?.[kind];
  if (id) {
    try {
      await del(`/api/feedback/${encodeURIComponent(id)}`);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) throw error;
    }
    setState(paperId, kind, undefined);
    return false;
  }
  const record = await post("/api/feedback", { paperId, kind });
  setState(paperId, kind, record.id);
  return true;
}

/** Records that the reader opened a paper (a view event; feeds use it to leave out what was seen). */
export function recordView(paperId) {
  if (!session.reader) return Promise.resolve();
  return post("/api/feedback", { paperId, kind: "view" }).catch(() => undefined);
}
