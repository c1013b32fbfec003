// The account page: who is signed in, and API keys (create: shown once;
// list; revoke).
import { ApiError, del, get, post } from "../api.js";
import { announce, field, h, notice, pageTitle, replace } from "../dom.js";
import { errorNotice, signInNotice } from "../papers.js";
import { session } from "../session.js";

function when(iso) {
  return iso ? new Date(iso).toLocaleString("en", { dateStyle: "medium", timeStyle: "short" }) : "never";
}

export async function render(view, ctx) {
  if (!session.reader) {
    replace(view, pageTitle("Account"), signInNotice());
    return;
  }
  const keysEl = h("div", {}, h("p", { className: "muted" }, "Loading…"));
  const created = h("div", { "aria-live": "polite" });
  const name = h("input", { name: "name", maxlength: "100", required: true, placeholder: "e.g. laptop script" });
  const form = h("form", { className: "inline-form" }, field("Key name", name), h("button", { type: "submit" }, "Create API key"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const key = await post("/api/keys", { name: name.value.trim() });
      name.value = "";
      const keyField = h("input", { readonly: true, value: key.key, className: "mono", onFocus: (e) => e.target.select() });
      replace(
        created,
        notice(
          "info",
          h("p", {}, h("strong", {}, `Key "${key.name}" created.`), " Copy it now: it is shown only this once."),
          field("Your new API key", keyField),
          h("p", { className: "small" }, "Send it as ", h("code", {}, "Authorization: Bearer <key>"), "; the API is described at ", h("a", { href: "/openapi.json" }, "/openapi.json"), "."),
        ),
      );
      announce("API key created");
      await loadKeys();
    } catch (error) {
      replace(created, error instanceof ApiError ? notice("error", error.message) : errorNotice(error));
    }
  });

  async function loadKeys() {
    let page;
    try {
      page = await get("/api/keys", { limit: 100 });
    } catch (error) {
      replace(keysEl, errorNotice(error));
      return;
    }
    if (page.items.length === 0) {
      replace(keysEl, h("p", { className: "muted" }, "No API keys."));
      return;
    }
    replace(
      keysEl,
      h(
        "table",
        { className: "table" },
        h("caption", { className: "visually-hidden" }, "Your API keys"),
        h("thead", {}, h("tr", {}, ["Name", "Starts with", "Created", "Last used", ""].map((t) => h("th", { scope: "col" }, t)))),
        h(
          "tbody",
          {},
          page.items.map((key) =>
            h(
              "tr",
              {},
              h("td", {}, key.name),
              h("td", {}, h("code", {}, key.prefix)),
              h("td", {}, when(key.createdAt)),
              h("td", {}, when(key.lastUsedAt)),
              h(
                "td",
                {},
                h(
                  "button",
                  {
                    type: "button",
                    className: "secondary danger",
                    "aria-label": `Revoke key ${key.name}`,
                    onClick: async () => {
                      try {
                        await del(`/api/keys/${encodeURIComponent(key.id)}`);
                        announce(`Key ${key.name} revoked`);
                      } catch (error) {
                        keysEl.append(errorNotice(error));
                      }
                      await loadKeys();
                    },
                  },
                  "Revoke",
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  replace(
    view,
    pageTitle("Account"),
    h(
      "dl",
      { className: "facts" },
      h("dt", {}, "Email"),
      h("dd", {}, session.reader.email),
      h("dt", {}, "Role"),
      h("dd", {}, session.reader.role === "admin" ? "Admin (can pin papers into everyone's digest)" : "Reader"),
      h("dt", {}, "Member since"),
      h("dd", {}, when(session.reader.createdAt)),
    ),
    h("h2", {}, "API keys"),
    h("p", {}, "Programs use API keys to call Paper Radar's JSON API as you."),
    form,
    created,
    keysEl,
    h("h2", {}, "Sign out"),
    h("button", { type: "button", className: "secondary", onClick: async () => {
      await post("/api/auth/signout").catch(() => undefined);
      await ctx.refreshSession();
      await ctx.navigate("/");
    } }, "Sign out of this browser"),
  );
  await loadKeys();
}
