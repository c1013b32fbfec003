// On a paper's page, for a signed-in reader: the collections it is in (tick
// to add or take out, or make a new one) and the reader's note on it.
import { ApiError, api, del, get, post } from "./api.js";
import { announce, field, h, replace } from "./dom.js";
import { errorNotice } from "./papers.js";

const collectionPath = (id) => `/api/collections/${encodeURIComponent(id)}`;

export function organiseSection(paper) {
  const section = h("section", { className: "organise", "aria-labelledby": "organise-heading" }, h("h2", { id: "organise-heading" }, "Collections and note"), h("p", { className: "muted" }, "Loading…"));
  void fill(section, paper);
  return section;
}

async function fill(section, paper) {
  let collections;
  let note;
  try {
    [collections, note] = await Promise.all([
      get("/api/collections").then((r) => r.items),
      get(`/api/notes/${encodeURIComponent(paper.id)}`).catch((error) => {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }),
    ]);
  } catch (error) {
    replace(section, h("h2", { id: "organise-heading" }, "Collections and note"), errorNotice(error));
    return;
  }
  const boxes = h("fieldset", { className: "collection-boxes" }, h("legend", {}, "In your collections"));
  const addBox = (c) => {
    const box = h("input", { type: "checkbox", checked: c.paperIds.includes(paper.id), name: `collection-${c.id}` });
    box.addEventListener("change", async () => {
      box.disabled = true;
      try {
        if (box.checked) await post(`${collectionPath(c.id)}/papers`, { paperIds: [paper.id] });
        else await del(`${collectionPath(c.id)}/papers/${encodeURIComponent(paper.id)}`);
        announce(`${box.checked ? "Added to" : "Taken out of"} ${c.name}`);
      } catch (error) {
        box.checked = !box.checked;
        boxes.append(errorNotice(error));
      } finally {
        box.disabled = false;
      }
    });
    boxes.append(h("label", { className: "check" }, box, ` ${c.name}`));
  };
  collections.forEach(addBox);
  const newName = h("input", { type: "text", maxlength: 120, placeholder: "New collection", "aria-label": "New collection name" });
  const newForm = h("form", { className: "inline-form" }, newName, h("button", { type: "submit" }, "Create and add"));
  newForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const made = await post("/api/collections", { name: newName.value });
      const withPaper = await post(`${collectionPath(made.id)}/papers`, { paperIds: [paper.id] });
      addBox(withPaper);
      newName.value = "";
      announce(`Created ${made.name} and added the paper`);
    } catch (error) {
      boxes.append(errorNotice(error));
    }
  });
  const text = h("textarea", { rows: 4, name: "note", maxlength: 20000, value: note?.text ?? "" });
  const saved = h("span", { className: "muted", "aria-live": "polite" }, note ? `Saved ${new Date(note.updatedAt).toLocaleString()}` : "");
  const noteForm = h("form", { className: "stack", "aria-label": "Your note" }, field("Your note (only you see it)", text), h("div", {}, h("button", { type: "submit" }, "Save note"), " ", saved));
  noteForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const written = await api("PUT", `/api/notes/${encodeURIComponent(paper.id)}`, { text: text.value });
      saved.textContent = written ? "Note saved" : "Note deleted";
      announce(saved.textContent);
    } catch (error) {
      noteForm.append(errorNotice(error));
    }
  });
  replace(section, h("h2", { id: "organise-heading" }, "Collections and note"), boxes, newForm, noteForm);
}
