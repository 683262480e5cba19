// coop's own script. Every page works without it: it only enhances.
// Loaded as <script type="module">, after htmx.min.js (deferred), so
// window.htmx exists by the time this runs.
import { initAll } from "./vendor/govuk-frontend/govuk-frontend.min.js";

// GOV.UK Frontend starts only when <body> says the browser supports it. Its
// template does that with an inline script, which our CSP forbids; any
// browser that runs an ES module supports GOV.UK Frontend.
document.body.classList.add("govuk-frontend-supported");
initAll();

/** Skip the components htmx left in place; they were started already. */
function reportUnlessAlreadyStarted(error) {
  if (error && error.name === "InitError") return;
  console.error(error);
}

/** Give keyboard and screen reader focus to an error summary in `content`. */
function focusErrorSummary(content) {
  const summary = content.matches(".govuk-error-summary")
    ? content
    : content.querySelector(".govuk-error-summary");
  if (!summary) return;
  if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
  summary.focus();
}

/** Say `message` through the page's polite live region. */
function announce(message) {
  const region = document.getElementById("status-announcer");
  if (!region) return;
  // Clear first, so the same message said twice is announced twice.
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = message;
  }, 100);
}

/** Show `message` just before the element that made the request, and say it. */
function showRequestError(element, message) {
  const inPage = element && element !== document.body && element.isConnected;
  const anchor = inPage ? element : document.getElementById("main-content");
  if (anchor) {
    let note = inPage ? anchor.previousElementSibling : anchor.firstElementChild;
    if (!note || !note.classList.contains("coop-request-error")) {
      note = document.createElement("p");
      note.className = "govuk-error-message coop-request-error";
      if (inPage) anchor.before(note);
      else anchor.prepend(note);
    }
    note.textContent = message;
  }
  announce(message);
}

function clearRequestError(element) {
  const note = element && element.previousElementSibling;
  if (note && note.classList.contains("coop-request-error")) note.remove();
}

// New content from htmx: start its GOV.UK components, and if it brings an
// error summary (a 422 re-render), move focus there as a full page load would.
document.addEventListener("htmx:load", (event) => {
  const content = event.target;
  if (content === document.body) return; // the first page load, done above
  // initAll searches inside its scope only, so start from the parent to
  // include `content` itself; components already started are skipped.
  initAll({ scope: content.parentElement || content, onError: reportUnlessAlreadyStarted });
  focusErrorSummary(content);
});

// Tell assistive technology which part of the page is being updated.
document.addEventListener("htmx:beforeRequest", (event) => {
  event.detail.target?.setAttribute("aria-busy", "true");
});

document.addEventListener("htmx:afterRequest", (event) => {
  event.detail.target?.removeAttribute("aria-busy");
  if (event.detail.successful) clearRequestError(event.detail.elt);
});

// A 4xx/5xx answer other than 422 swaps nothing (see htmx-config in
// base.html), so say what happened instead of failing silently.
document.addEventListener("htmx:responseError", (event) => {
  showRequestError(event.detail.elt, "Sorry, that did not work. Try again, or reload the page.");
});

const cannotConnect =
  "Sorry, we could not reach coop. Check your internet connection and try again.";
document.addEventListener("htmx:sendError", (event) => {
  showRequestError(event.detail.elt, cannotConnect);
});
document.addEventListener("htmx:timeout", (event) => {
  showRequestError(event.detail.elt, cannotConnect);
});
