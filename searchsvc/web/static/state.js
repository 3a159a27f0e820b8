// The page's whole state lives in the URL's query string: a search is a link that can be
// shared or bookmarked, and the back button steps through searches. Filters are kept as the
// user gave them (the API validates them, the page shows its error and a chip removes the
// filter); the page's own settings (page, limit, match) are read leniently instead: a wrong
// one in a shared link falls back to its default rather than stick to every later search.

export const PAGE_SIZE = 10;
/** The server's limits; /health reports its settings (see app.js). */
export const limits = { maxOffset: 10000, maxLimit: 100 };

const SINGLE = ["q", "section", "from", "to", "mentions_from", "mentions_to", "sort", "match", "limit"];
const DEFAULTS = { sort: "relevance", page: 1 };

/** The state of a query string ("?q=putin&people=Xi+Jinping"). */
export function readState(search = window.location.search) {
  const params = new URLSearchParams(search);
  const state = { people: params.getAll("people").filter((p) => p.trim()), page: 1 };
  for (const key of SINGLE) state[key] = params.get(key) ?? "";
  state.sort ||= DEFAULTS.sort;
  if (!["all", "any"].includes(state.match)) state.match = "";
  const limit = /^\d{1,4}$/.test(state.limit) ? Number(state.limit) : 0;
  if (!(limit >= 1 && limit <= limits.maxLimit)) state.limit = "";
  const page = Number.parseInt(params.get("page") ?? "", 10);
  if (page > 1) state.page = page;
  // "/" alone shows the welcome; "?q=" (even empty) or any filter runs a search.
  state.searching = [...params.keys()].some((k) => k === "people" || k === "page" || SINGLE.includes(k));
  return state;
}

/** The page URL of a state: defaults left out, q always present (an empty q means "everything"). */
export function hrefFor(state) {
  const params = new URLSearchParams();
  params.set("q", state.q ?? "");
  for (const person of state.people ?? []) params.append("people", person);
  for (const key of SINGLE.slice(1)) {
    const value = state[key];
    if (value && value !== DEFAULTS[key]) params.set(key, value);
  }
  if (state.page > 1) params.set("page", String(state.page));
  return `./?${params}`; // relative: the page may live under a prefix
}

/** A copy of the state with some values changed; any change but paging goes back to page 1. */
export function withChange(state, changes) {
  return { ...state, page: 1, ...changes };
}

/** Hits per page: the URL's limit if it is a number, else PAGE_SIZE. */
export function pageSize(state) {
  const n = Number.parseInt(state.limit, 10);
  return n > 0 ? n : PAGE_SIZE;
}

/** The deepest page the server will answer (offsets stop at its max_offset). */
export function lastReachablePage(state) {
  return Math.floor(limits.maxOffset / pageSize(state)) + 1;
}

/** The /search parameters of a state. */
export function searchParams(state) {
  const params = new URLSearchParams();
  params.set("q", state.q);
  for (const person of state.people) params.append("people", person);
  for (const key of SINGLE.slice(1)) if (state[key]) params.set(key, state[key]);
  if (!state.limit) params.set("limit", String(PAGE_SIZE));
  if (state.page > lastReachablePage(state)) {
    // Past the deepest page: ask for the count alone, and the page says how far one can go.
    params.set("limit", "0");
    params.set("offset", "0");
  } else {
    params.set("offset", String((state.page - 1) * pageSize(state)));
  }
  return params;
}
