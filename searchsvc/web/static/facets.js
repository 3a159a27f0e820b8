// Facet lists (click to add a filter, click an active one to remove it) and the chips of the
// filters in force. Both are links to the new search's URL, so they work like any link
// (open in a new tab, copy) and the page intercepts plain clicks (data-nav).

import { h } from "./dom.js";
import { activeFilters, FACETS, withoutFilters } from "./filters.js";
import { formatCount, plural } from "./format.js";
import { hrefFor } from "./state.js";

/** The facet groups that have values, as <section> elements. */
export function facetGroups(state, facets) {
  return FACETS.filter((group) => facets?.[group.key]?.length).map((group) =>
    h("section", { class: "facet", "aria-labelledby": `facet-${group.key}` },
      h("h3", { id: `facet-${group.key}` }, group.title),
      h("ul", {}, facets[group.key].map(({ value, count }) => h("li", {}, facetLink(state, group, value, count))))));
}

function facetLink(state, group, value, count) {
  const active = group.isActive(state, value);
  // The group too: "1987, 9 articles" under Published and under Mentions would sound the same.
  const label = `${group.title} ${value}, ${plural(count, "article", "articles")}${active ? ", selected (select to remove)" : ""}`;
  return h("a", {
    href: hrefFor(group.toggle(state, value, active)),
    "data-nav": true,
    "data-facet": group.key,
    "data-value": value,
    "aria-current": active ? "true" : null,
    "aria-label": label,
  }, h("span", { class: "facet-label" }, value), h("span", { class: "count" }, formatCount(count)));
}

/** The chips (<li>) of the filters in force, with "Clear all" when there are several. */
export function filterChips(state) {
  const filters = activeFilters(state);
  const chips = filters.map(({ label, without }) => chip(label, `Remove filter ${label}`, hrefFor(without)));
  if (filters.length > 1) chips.push(chip("Clear all", "Remove all filters", hrefFor(withoutFilters(state))));
  return chips;
}

function chip(label, accessibleName, href) {
  return h("li", {},
    h("a", { class: "chip", href, "data-nav": true, "aria-label": accessibleName },
      label, h("span", { class: "chip-remove", "aria-hidden": "true" }, "×")));
}
