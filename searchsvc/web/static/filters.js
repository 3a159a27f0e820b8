// What each facet does to the state when clicked, and the removable "chips" that show the
// filters in force. People add up (documents naming all of them); section and years replace.

import { withChange } from "./state.js";

function sameText(a, b) {
  return a.toLocaleLowerCase() === b.toLocaleLowerCase();
}

/** A year facet filters on a from/to pair set to the same year. */
function yearFilter(fromKey, toKey) {
  return {
    isActive: (state, value) => state[fromKey] === value && state[toKey] === value,
    toggle: (state, value, active) => withChange(state, { [fromKey]: active ? "" : value, [toKey]: active ? "" : value }),
  };
}

/** The facet groups of the /search response, in the order they are shown. */
export const FACETS = [
  {
    key: "people",
    title: "People",
    isActive: (state, value) => state.people.some((p) => sameText(p, value)), // as the API matches them
    toggle: (state, value, active) =>
      withChange(state, { people: active ? state.people.filter((p) => !sameText(p, value)) : [...state.people, value] }),
  },
  {
    key: "section",
    title: "Section",
    isActive: (state, value) => Boolean(state.section) && sameText(state.section, value),
    toggle: (state, value, active) => withChange(state, { section: active ? "" : value }),
  },
  { key: "years", title: "Published", ...yearFilter("from", "to") },
  { key: "mentioned_years", title: "Mentions the year", ...yearFilter("mentions_from", "mentions_to") },
];

/** The filters in force as [{label, without}]: what a chip says and the state once it is removed. */
export function activeFilters(state) {
  const chips = state.people.map((person) => ({
    label: `Person: ${person}`,
    without: withChange(state, { people: state.people.filter((p) => p !== person) }),
  }));
  if (state.section) chips.push({ label: `Section: ${state.section}`, without: withChange(state, { section: "" }) });
  chips.push(...rangeChips(state, "from", "to", "Published"));
  chips.push(...rangeChips(state, "mentions_from", "mentions_to", "Mentions"));
  if (state.match === "any") chips.push({ label: "Any word", without: withChange(state, { match: "" }) });
  return chips;
}

function rangeChips(state, fromKey, toKey, what) {
  const from = state[fromKey];
  const to = state[toKey];
  if (from && from === to) return [{ label: `${what}: ${from}`, without: withChange(state, { [fromKey]: "", [toKey]: "" }) }];
  const chips = [];
  if (from) chips.push({ label: `${what} from ${from}`, without: withChange(state, { [fromKey]: "" }) });
  if (to) chips.push({ label: `${what} until ${to}`, without: withChange(state, { [toKey]: "" }) });
  return chips;
}

/** The state without any filter (the query and sort stay). */
export function withoutFilters(state) {
  return withChange(state, { people: [], section: "", from: "", to: "", mentions_from: "", mentions_to: "", match: "" });
}
