// The search page: reads the state from the URL, asks /search, and renders the answer.
// Every change of search (typing a query, a facet, a chip, a page, the sort, did-you-mean)
// is a navigation to a new URL, so links, reloads and the back button all just work.

import { health, search, tooLong } from "./api.js";
import { h } from "./dom.js";
import { facetGroups, filterChips } from "./facets.js";
import { errorNotice, resultNotices, statusText } from "./notices.js";
import { pageItems } from "./pager.js";
import { hitItems } from "./results.js";
import { hrefFor, limits, pageSize, readState, searchParams, withChange } from "./state.js";
import { Autocomplete } from "./suggest.js";

const $ = (id) => document.getElementById(id);
const els = {
  form: $("search-form"), q: $("q"), suggestions: $("suggestions"), sort: $("sort"), status: $("status"),
  notices: $("notices"), filters: $("active-filters"), filterList: $("active-filter-list"), refine: $("refine"),
  facets: $("facets"), welcome: $("welcome"), heading: $("results-heading"), hits: $("hits"), pager: $("pager"),
};
const NARROW = window.matchMedia("(max-width: 48rem)");

let inFlight = null; // the AbortController of the search being fetched
let shown = ""; // the path and query string of the search shown (a fragment is no new search)
const SLOW_MS = 300; // a search still running after this says so

/** Go to a page URL (pushing a history entry) and show its search; then focus `focus()`'s element. */
function navigate(url, focus = null, { replace = false } = {}) {
  const target = new URL(url, window.location.href).href; // hrefFor's URLs are relative to the page
  const long = tooLong(target);
  if (long) { // not into the history either: reloading or sharing it would get the server's 414
    inFlight?.abort();
    return renderError(long);
  }
  if (target !== window.location.href) window.history[replace ? "replaceState" : "pushState"](null, "", target);
  lastSortChange = -Infinity; // any other navigation ends a pass through the sort menu
  return show(readState(), focus);
}

/**
 * Arrow keys on the closed sort menu change it a step at a time: each step searches (the newer
 * cancels the older), but the steps of one pass are one history entry, so Back leaves the menu's
 * earlier choice, not its every step.
 */
let lastSortChange = -Infinity;
const SORT_STEPS_MS = 1500;
function onSortChange() {
  const now = performance.now();
  navigate(hrefFor(withChange(readState(), { sort: els.sort.value })), null,
    { replace: now - lastSortChange < SORT_STEPS_MS });
  lastSortChange = now;
}

/** Fetch and render the search of a state; a newer search cancels an older one. */
async function show(state, focus = null) {
  shown = window.location.pathname + window.location.search;
  autocomplete.close(); // its options belong to the text the box held before
  syncControls(state);
  inFlight?.abort();
  if (!state.searching) return showWelcome();
  const controller = new AbortController();
  inFlight = controller;
  els.hits.setAttribute("aria-busy", "true");
  // While it runs: not the welcome text, the filters asked for, and after a moment "Searching…"
  // (a fast answer should not flash it, nor a screen reader announce it).
  els.welcome.hidden = true;
  renderFilters(state);
  if (!els.facets.childElementCount) els.refine.hidden = true;
  const slow = window.setTimeout(() => {
    if (inFlight === controller) els.status.textContent = "Searching…";
  }, SLOW_MS);
  try {
    const result = await search(searchParams(state), controller.signal);
    if (inFlight !== controller) return; // a newer search started meanwhile: it renders, not this one
    render(state, result);
    focus?.()?.focus();
  } catch (error) {
    if (error.name === "AbortError" || inFlight !== controller) return;
    renderError(error);
    if (focus) els.status.focus(); // the error is where the keyboard user should land, not <body>
  } finally {
    window.clearTimeout(slow);
    if (inFlight === controller) els.hits.removeAttribute("aria-busy");
  }
}

function syncControls(state) {
  els.q.value = state.q;
  els.sort.value = state.sort;
  if (els.sort.value !== state.sort) els.sort.value = "relevance"; // an unknown sort: the API will say so
  document.title = state.q.trim() ? `${state.q.trim()} – News search` : "News search";
}

function showWelcome() {
  els.welcome.hidden = false;
  els.status.textContent = "";
  els.notices.replaceChildren();
  els.filters.hidden = true;
  els.refine.hidden = true;
  els.hits.replaceChildren();
  els.pager.hidden = true;
}

function render(state, result) {
  els.welcome.hidden = true;
  els.status.textContent = statusText(state, result);
  els.notices.replaceChildren(...resultNotices(state, result));
  renderFilters(state);
  const groups = facetGroups(state, result.facets);
  els.facets.replaceChildren(...groups);
  els.refine.hidden = groups.length === 0;
  els.hits.replaceChildren(...hitItems(result.hits, (state.page - 1) * pageSize(state)));
  const pages = pageItems(state, result.total);
  els.pager.replaceChildren(h("ul", {}, pages));
  els.pager.hidden = pages.length === 0;
}

function renderFilters(state) {
  const chips = filterChips(state);
  els.filterList.replaceChildren(...chips);
  els.filters.hidden = chips.length === 0;
}

function renderError(error) {
  els.welcome.hidden = true;
  els.status.textContent = "The search could not run.";
  els.notices.replaceChildren(errorNotice(error));
  els.hits.replaceChildren();
  els.pager.hidden = true;
  els.refine.hidden = true;
  renderFilters(readState()); // the filters stay removable, one of them may be the problem
}

/** A new query from the box keeps the filters and sort, and starts at page 1. */
function submitQuery() {
  autocomplete.close();
  const state = readState();
  navigate(hrefFor(withChange(state, { q: els.q.value, sort: els.sort.value })));
}

/** A suggestion says what to search for (q); a person is also added as a people filter. */
function pickSuggestion({ text, kind, q }) {
  const state = readState();
  if (kind === "person") {
    const known = state.people.some((p) => p.toLocaleLowerCase() === text.toLocaleLowerCase());
    const people = known ? state.people : [...state.people, text];
    navigate(hrefFor(withChange(state, { q, people, sort: els.sort.value })));
  } else {
    els.q.value = q;
    submitQuery();
  }
}

/** Plain clicks on the page's own links (facets, chips, pages, did-you-mean) stay in the page. */
function onLinkClick(event) {
  const link = event.target.closest("a[data-nav]");
  if (!link || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // new tab/window: let it
  event.preventDefault();
  navigate(link.pathname + link.search, focusAfter(link));
}

/**
 * Where focus goes once the new results are shown: back to the same facet (to pick another),
 * else to the result count above the results (visible, unlike the results heading), so a keyboard
 * or screen reader user starts at the new results.
 */
function focusAfter(link) {
  const { facet, value } = link.dataset;
  if (!facet) return () => els.status;
  return () => [...els.facets.querySelectorAll("a[data-facet]")]
    .find((a) => a.dataset.facet === facet && a.dataset.value === value) ?? els.status;
}

/** "/" anywhere outside a text field jumps to the search box, as on many sites. */
function onShortcut(event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest?.("input, textarea, select, [contenteditable]")) return;
  event.preventDefault();
  els.q.focus();
  els.q.select();
}

const autocomplete = new Autocomplete(els.q, els.suggestions, pickSuggestion);

els.form.addEventListener("submit", (event) => {
  event.preventDefault();
  submitQuery();
});
els.sort.addEventListener("change", onSortChange);
document.addEventListener("click", onLinkClick);
document.addEventListener("keydown", onShortcut);
window.addEventListener("popstate", () => {
  // The skip link ("#results-heading") changes only the fragment: nothing to search again.
  if (window.location.pathname + window.location.search === shown) return;
  show(readState());
});

// On a phone the facets start folded so the results come first on screen.
if (NARROW.matches) els.refine.open = false;
els.q.focus();
// The pager stops at the server's deepest page; until /health answers, the default holds.
health()
  .then((h) => {
    if (h?.limits?.max_offset >= 0) limits.maxOffset = h.limits.max_offset;
    if (h?.limits?.max_limit >= 1) limits.maxLimit = h.limits.max_limit;
  })
  .catch(() => {});
show(readState());
