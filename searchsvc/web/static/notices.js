// The result count (announced by the status live region) and the notices above the
// results: did-you-mean, the "relaxed" fallback, the API's warnings and errors.

import { h } from "./dom.js";
import { formatCount, formatMs, plural } from "./format.js";
import { hrefFor, lastReachablePage, pageSize, withChange } from "./state.js";

/** "34 results for “putin” · page 2 of 4 · 12 ms" */
export function statusText(state, result) {
  const parts = [result.total === 0 ? "No results" : plural(result.total, "result", "results")];
  if (state.q.trim()) parts[0] += ` for “${state.q.trim()}”`;
  const all = Math.ceil(result.total / pageSize(state));
  const pages = Math.min(all, lastReachablePage(state)); // the server answers no deeper
  if (pages > 1 && state.page <= pages) parts.push(`page ${formatCount(state.page)} of ${formatCount(pages)}`);
  else if (pages >= 1 && state.page > pages) parts.push(`past the last page (${formatCount(pages)})`);
  if (all > pages) parts.push(`the first ${formatCount(pages)} pages can be shown: narrow the search for the rest`);
  const took = formatMs(result.took_ms);
  if (took) parts.push(took);
  return parts.join(" · ");
}

/** The notices for one answer of /search. */
export function resultNotices(state, result) {
  const notices = [];
  if (result.did_you_mean) notices.push(didYouMean(state, result.did_you_mean));
  if (result.relaxed) {
    notices.push(notice("No article has all of your words, so these results have some of them."));
  }
  if (result.hits.length === 0) notices.push(noResults(state, result.total));
  for (const warning of result.warnings ?? []) notices.push(notice(String(warning)));
  return notices;
}

function didYouMean(state, suggestion) {
  const link = h("a", { href: hrefFor(withChange(state, { q: suggestion })), "data-nav": true, class: "did-you-mean" },
    suggestion);
  return notice("Did you mean ", link, "?");
}

function noResults(state, total) {
  if (total > 0) {
    const first = h("a", { href: hrefFor({ ...state, page: 1 }), "data-nav": true }, "Go to the first page");
    return notice("There are no results on this page. ", first, ".");
  }
  const filtered = state.people.length || state.section || state.from || state.to || state.mentions_from
    || state.mentions_to;
  return notice(`No articles match. ${filtered ? "Try other words, or remove a filter." : "Check the spelling, or try fewer or other words."}`);
}

/** A failed call, said politely; the API's message names what to change. */
export function errorNotice(error) {
  let text;
  const wait = error.retryAfter ? ` Please try again in ${plural(error.retryAfter, "second", "seconds")}.` : " Please try again shortly.";
  if (error.code === "network") text = "The search service could not be reached. Check your connection and try again.";
  else if (error.code === "query_timeout") text = `That search took too long and was stopped: ${error.message}.`;
  else if (error.code === "index_missing") text = `There is nothing to search yet: the index is being built.${wait}`;
  else if (error.code === "index_damaged") text = "The search index cannot be read. The people who run this service have to rebuild it.";
  else if (error.code === "too_long") text = `That search is too long: ${error.message}.`;
  else if (error.status === 503) text = `The search service is busy right now.${wait}`;
  else if (error.status === 400) {
    text = `That search could not run: ${error.message}${error.param ? ` (parameter “${error.param}”)` : ""}.`;
  } else {
    text = `Sorry, something went wrong: ${error.message}`;
  }
  return h("p", { class: "notice notice-error", role: "alert" }, text);
}

function notice(...content) {
  return h("p", { class: "notice" }, ...content);
}
