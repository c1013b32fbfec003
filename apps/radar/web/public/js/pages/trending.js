// Trending: papers rising by readers' saves and likes, with time decay.
import { get, url } from "../api.js";
import { field, h, notice, pageTitle, replace } from "../dom.js";
import { errorNotice, pager, paperCard } from "../papers.js";
import { loadFeedback } from "../session.js";

const LIMIT = 20;
const WINDOWS = [
  ["1", "Last day"],
  ["7", "Last week"],
  ["30", "Last month"],
  ["365", "Last year"],
];

export async function render(view, ctx) {
  const days = ctx.query.get("days") ?? "7";
  const category = ctx.query.get("category") ?? "";
  const offset = Number(ctx.query.get("offset") ?? 0) || 0;
  const form = h(
    "form",
    { className: "inline-form", action: "/trending" },
    field("Period", h("select", { name: "days" }, WINDOWS.map(([value, label]) => h("option", { value, selected: value === days }, label)))),
    field("Category", h("input", { name: "category", value: category, placeholder: "any", list: "trend-categories" })),
    h("datalist", { id: "trend-categories" }, ["cs.IR", "cs.CL", "cs.LG", "cs.AI", "cs.CV"].map((c) => h("option", { value: c }))),
    h("button", { type: "submit" }, "Show"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    ctx.navigate(url("/trending", { days: data.get("days"), category: String(data.get("category") ?? "").trim() }));
  });
  const body = h("div", {}, h("p", { className: "muted" }, "Loading…"));
  replace(view, pageTitle("Trending papers"), h("p", { className: "lead" }, "What readers here save and like, most recent interest weighted most."), form, body);

  let page;
  try {
    [page] = await Promise.all([get("/api/trending", { days, category, limit: LIMIT, offset }), loadFeedback()]);
  } catch (error) {
    replace(body, errorNotice(error, "Trending"));
    return;
  }
  if (!ctx.isCurrent()) return;
  if (page.items.length === 0) {
    replace(body, notice("info", "Nothing is trending in this period yet: readers have not saved or liked papers here."));
    return;
  }
  replace(
    body,
    h(
      "ol",
      { className: "cards", start: offset + 1 },
      page.items.map((item) =>
        h(
          "li",
          {},
          paperCard(item.paper, {
            extra: h("p", { className: "counts" }, h("span", {}, `${item.saves} ${item.saves === 1 ? "save" : "saves"}`), h("span", {}, `${item.likes} ${item.likes === 1 ? "like" : "likes"}`)),
          }),
        ),
      ),
    ),
    pager(page, (o) => url("/trending", { days, category, offset: o || undefined }), "papers"),
  );
}
