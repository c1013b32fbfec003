// Admin: pin papers into everyone's digest (editorial picks), list and unpin;
// invite readers (for servers where sign-up is by invitation).
import { ApiError, del, get, paperPath, post } from "../api.js";
import { announce, field, formatDay, h, notice, pageTitle, replace } from "../dom.js";
import { errorNotice, paperHref, signInNotice } from "../papers.js";
import { session } from "../session.js";

export async function render(view) {
  if (!session.reader) {
    replace(view, pageTitle("Admin: pinned papers"), signInNotice());
    return;
  }
  if (session.reader.role !== "admin") {
    replace(view, pageTitle("Admin: pinned papers"), notice("error", "Only admins can pin papers."));
    return;
  }
  const listEl = h("div", {}, h("p", { className: "muted" }, "Loading…"));
  const status = h("div", { "aria-live": "polite" });
  const paperId = h("input", { name: "paperId", required: true, placeholder: "e.g. 2503.12855" });
  const note = h("input", { name: "note", maxlength: "500", placeholder: "why readers should see it" });
  const until = h("input", { name: "until", type: "date" });
  const form = h("form", { className: "filter-grid" }, field("Paper id", paperId), field("Note (optional)", note), field("Pinned until (optional)", until), h("div", { className: "field end" }, h("button", { type: "submit" }, "Pin paper")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { paperId: paperId.value.trim() };
    if (note.value.trim()) body.note = note.value.trim();
    if (until.value) body.until = until.value;
    try {
      await post("/api/admin/pins", body);
      replace(status, notice("info", `Pinned ${body.paperId}.`));
      announce(`Pinned ${body.paperId}`);
      form.reset();
      await load();
    } catch (error) {
      replace(status, error instanceof ApiError ? notice("error", error.message) : errorNotice(error));
    }
  });

  async function load() {
    let page;
    let papers;
    try {
      page = await get("/api/admin/pins", { limit: 100 });
      papers = await Promise.all(page.items.map((pin) => get(paperPath(pin.paperId)).catch(() => null)));
    } catch (error) {
      replace(listEl, errorNotice(error, "Pins"));
      return;
    }
    if (page.items.length === 0) {
      replace(listEl, h("p", { className: "muted" }, "No pinned papers."));
      return;
    }
    replace(
      listEl,
      h(
        "ul",
        { className: "cards" },
        page.items.map((pin, i) =>
          h(
            "li",
            { className: "card" },
            h("h3", { className: "card-title" }, h("a", { href: paperHref(pin.paperId) }, papers[i]?.title ?? pin.paperId)),
            h("p", { className: "meta" }, `Pinned ${formatDay(pin.pinnedAt)}`, pin.until ? ` · until ${formatDay(pin.until)}` : ""),
            pin.note ? h("p", {}, pin.note) : null,
            h(
              "button",
              {
                type: "button",
                className: "secondary danger",
                "aria-label": `Unpin ${papers[i]?.title ?? pin.paperId}`,
                onClick: async () => {
                  try {
                    await del(`/api/admin/pins/${encodeURIComponent(pin.paperId)}`);
                    announce("Unpinned");
                  } catch (error) {
                    replace(status, errorNotice(error));
                  }
                  await load();
                },
              },
              "Unpin",
            ),
          ),
        ),
      ),
    );
  }

  const invitesEl = h("div", {});
  const inviteStatus = h("div", { "aria-live": "polite" });
  const inviteEmail = h("input", { name: "inviteEmail", type: "email", maxlength: "254", placeholder: "anyone with the link, if empty" });
  const inviteForm = h("form", { className: "filter-grid" }, field("Only for this email (optional)", inviteEmail), h("div", { className: "field end" }, h("button", { type: "submit" }, "Create invite link")));
  inviteForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const created = await post("/api/admin/invites", inviteEmail.value.trim() ? { email: inviteEmail.value.trim() } : {});
      replace(inviteStatus, notice("info", "Send this link (it is shown once and admits one sign-up): ", h("code", {}, created.link)));
      inviteForm.reset();
      await loadInvites();
    } catch (error) {
      replace(inviteStatus, error instanceof ApiError ? notice("error", error.message) : errorNotice(error));
    }
  });

  async function loadInvites() {
    let page;
    try {
      page = await get("/api/admin/invites", { limit: 100 });
    } catch (error) {
      replace(invitesEl, errorNotice(error, "Invites"));
      return;
    }
    if (page.items.length === 0) {
      replace(invitesEl, h("p", { className: "muted" }, "No open invites."));
      return;
    }
    replace(
      invitesEl,
      h(
        "ul",
        { className: "cards" },
        page.items.map((invite) =>
          h(
            "li",
            { className: "card" },
            h("p", { className: "meta" }, `${invite.email ?? "anyone with the link"} · created ${formatDay(invite.createdAt)} · expires ${formatDay(invite.expiresAt)}`),
            h(
              "button",
              {
                type: "button",
                className: "secondary danger",
                onClick: async () => {
                  try {
                    await del(`/api/admin/invites/${encodeURIComponent(invite.id)}`);
                    announce("Invite revoked");
                  } catch (error) {
                    replace(inviteStatus, errorNotice(error));
                  }
                  await loadInvites();
                },
              },
              "Revoke",
            ),
          ),
        ),
      ),
    );
  }

  replace(
    view,
    pageTitle("Admin: pinned papers"),
    h("p", { className: "lead" }, "Pinned papers appear in every reader's weekly digest, beside the ones picked for them."),
    form,
    status,
    h("h2", {}, "Pinned now"),
    listEl,
    h("h2", {}, "Invites"),
    h("p", { className: "muted" }, "On a server where sign-up is by invitation (RADAR_SIGNUP=invite), a reader needs one of these links."),
    inviteForm,
    inviteStatus,
    invitesEl,
  );
  await Promise.all([load(), loadInvites()]);
}
