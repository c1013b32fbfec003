// Topics: arXiv categories and free keywords, each liked, neutral or
// disliked. The list is edited here and saved in one PUT /api/topics.
import { ApiError, get, put } from "../api.js";
import { announce, field, h, notice, pageTitle, replace } from "../dom.js";
import { errorNotice, signInNotice } from "../papers.js";
import { session } from "../session.js";

const SUGGESTED = [
  ["cs.IR", "Information retrieval"],
  ["cs.CL", "Computation and language"],
  ["cs.LG", "Machine learning"],
  ["cs.AI", "Artificial intelligence"],
  ["cs.CV", "Computer vision"],
  ["cs.DL", "Digital libraries"],
  ["cs.HC", "Human-computer interaction"],
  ["cs.SI", "Social and information networks"],
  ["stat.ML", "Statistics: machine learning"],
];
const LEVELS = [
  ["like", "Like"],
  ["neutral", "Neutral"],
  ["dislike", "Dislike"],
];
const CATEGORY = /^[a-z][a-z-]*(\.[A-Za-z][A-Za-z-]*)?$/;

export async function render(view, ctx) {
  if (!session.reader) {
    replace(view, pageTitle("Topics"), signInNotice());
    return;
  }
  let saved;
  try {
    saved = await get("/api/topics");
  } catch (error) {
    replace(view, pageTitle("Topics"), errorNotice(error, "Topics"));
    return;
  }
  if (!ctx.isCurrent()) return;
  const topics = saved.topics.map((t) => ({ ...t }));
  const rowsEl = h("div", { className: "topic-rows" });
  const suggestionsEl = h("div", { className: "chips", role: "group", "aria-label": "Suggested categories" });
  const status = h("div", { className: "form-status", "aria-live": "polite" });
  const key = (t) => `${t.kind}:${t.value.toLowerCase()}`;

  function add(kind, value) {
    const topic = { kind, value, level: "like" };
    if (topics.some((t) => key(t) === key(topic))) return false;
    topics.push(topic);
    draw();
    return true;
  }

  function draw() {
    replace(
      suggestionsEl,
      SUGGESTED.map(([code, name]) => {
        const taken = topics.some((t) => t.kind === "category" && t.value === code);
        return h("button", { type: "button", className: "chip", disabled: taken, title: name, onClick: () => add("category", code) }, `+ ${code}`);
      }),
    );
    if (topics.length === 0) {
      replace(rowsEl, notice("info", "No topics yet: add categories or keywords below."));
      return;
    }
    replace(
      rowsEl,
      topics.map((topic, i) =>
        h(
          "fieldset",
          { className: `topic-row level-${topic.level}` },
          h("legend", {}, h("span", { className: "topic-kind" }, topic.kind === "category" ? "Category" : "Keyword"), " ", topic.value),
          h(
            "div",
            { className: "levels" },
            LEVELS.map(([level, label]) =>
              h(
                "label",
                { className: "level" },
                h("input", {
                  type: "radio",
                  name: `level-${i}`,
                  value: level,
                  checked: topic.level === level,
                  onChange: () => {
                    topic.level = level;
                    draw();
                  },
                }),
                label,
              ),
            ),
            h(
              "button",
              {
                type: "button",
                className: "link-button remove",
                "aria-label": `Remove ${topic.value}`,
                onClick: () => {
                  topics.splice(i, 1);
                  draw();
                },
              },
              "Remove",
            ),
          ),
        ),
      ),
    );
  }

  const categoryInput = h("input", { name: "category", placeholder: "e.g. cs.IR or hep-th", autocomplete: "off" });
  const keywordInput = h("input", { name: "keyword", placeholder: "e.g. retrieval augmented generation", autocomplete: "off" });
  const addForm = (label, input, kind, check) => {
    const form = h("form", { className: "inline-form" }, field(label, input), h("button", { type: "submit", className: "secondary" }, "Add"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = input.value.trim();
      if (!value) return;
      const problem = check(value);
      if (problem) {
        replace(status, notice("error", problem));
        return;
      }
      if (!add(kind, value)) replace(status, notice("info", `${value} is already in your topics.`));
      input.value = "";
    });
    return form;
  };

  const saveButton = h("button", { type: "button" }, "Save topics");
  saveButton.addEventListener("click", async () => {
    saveButton.disabled = true;
    try {
      const result = await put("/api/topics", { topics });
      topics.splice(0, topics.length, ...result.topics.map((t) => ({ ...t })));
      draw();
      replace(status, notice("info", `Topics saved (${topics.length}). Your `, h("a", { href: "/feed" }, "feed"), " follows them now."));
      announce("Topics saved");
    } catch (error) {
      replace(status, error instanceof ApiError ? notice("error", error.message) : errorNotice(error));
    } finally {
      saveButton.disabled = false;
    }
  });

  replace(
    view,
    pageTitle("Topics"),
    ctx.query.get("welcome") ? notice("info", "Welcome to Paper Radar! Start by picking a few topics, or ", h("a", { href: "/onboarding" }, "rate ten papers"), ": your feed and weekly digest use them.") : null,
    h("p", { className: "lead" }, "Pick what your feed and digest should favour (Like), ignore (Neutral) or push down (Dislike)."),
    h("h2", {}, "Suggested categories"),
    suggestionsEl,
    h("div", { className: "add-forms" }, addForm("Add an arXiv category", categoryInput, "category", (v) => (CATEGORY.test(v) ? null : "A category looks like cs.IR or hep-th.")), addForm("Add a keyword", keywordInput, "keyword", () => null)),
    h("h2", {}, "Your topics"),
    rowsEl,
    h("div", { className: "save-row" }, saveButton, status),
  );
  draw();
}
