// Sign-up and sign-in: one form, two modes. The API sets the session cookie.
// On invite-only servers the sign-up link carries ?invite=<code>; the field
// also appears when the API answers that an invite is needed.
import { ApiError, post } from "../api.js";
import { field, h, notice, pageTitle, replace } from "../dom.js";
import { errorNotice } from "../papers.js";
import { session } from "../session.js";

export async function render(view, ctx, mode) {
  const signup = mode === "signup";
  if (session.reader) {
    replace(view, pageTitle(signup ? "Create an account" : "Sign in"), notice("info", `You are signed in as ${session.reader.email}. `, h("a", { href: "/account" }, "Your account")));
    return;
  }
  const email = h("input", { type: "email", name: "email", autocomplete: "email", required: true, maxlength: "254" });
  const password = h("input", {
    type: "password",
    name: "password",
    autocomplete: signup ? "new-password" : "current-password",
    required: true,
    minlength: signup ? "10" : false,
    maxlength: "200",
  });
  const inviteCode = new URLSearchParams(location.search).get("invite") ?? "";
  const invite = h("input", { name: "invite", autocomplete: "off", maxlength: "200", value: inviteCode });
  const inviteField = field("Invite code", invite, "needed on servers where sign-up is by invitation");
  if (!signup || !inviteCode) inviteField.hidden = true;
  const status = h("div", { className: "form-status", "aria-live": "assertive" });
  const submit = h("button", { type: "submit" }, signup ? "Create account" : "Sign in");
  const form = h(
    "form",
    { className: "auth-form", novalidate: true },
    field("Email", email),
    field("Password", password, signup ? "10 to 200 characters, not a common password; a few unrelated words make a good one" : undefined),
    inviteField,
    submit,
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const input of [email, password, invite]) input.removeAttribute("aria-invalid");
    submit.disabled = true;
    try {
      const body = { email: email.value.trim(), password: password.value };
      if (signup && invite.value.trim()) body.invite = invite.value.trim();
      await post(signup ? "/api/auth/signup" : "/api/auth/signin", body);
      await ctx.refreshSession();
      await ctx.navigate(signup ? "/topics?welcome=1" : "/");
    } catch (error) {
      if (error instanceof ApiError) {
        if (error.field === "body.invite") inviteField.hidden = false;
        const bad = error.field === "body.email" ? email : error.field === "body.password" ? password : error.field === "body.invite" ? invite : null;
        if (bad) {
          bad.setAttribute("aria-invalid", "true");
          bad.focus();
        }
        replace(status, notice("error", error.message));
      } else replace(status, errorNotice(error));
    } finally {
      submit.disabled = false;
    }
  });
  replace(
    view,
    h(
      "div",
      { className: "narrow" },
      pageTitle(signup ? "Create an account" : "Sign in"),
      signup ? h("p", { className: "lead" }, "An account on this server only: your saves, topics, feed and digest stay here.") : null,
      form,
      h(
        "p",
        { className: "muted" },
        signup ? ["Already have an account? ", h("a", { href: "/signin" }, "Sign in")] : ["New here? ", h("a", { href: "/signup" }, "Create an account")],
        ".",
      ),
    ),
  );
}
