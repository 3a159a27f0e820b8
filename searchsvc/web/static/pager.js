// Page links: previous, the first and last pages, a window around the current one, next.

import { h } from "./dom.js";
import { formatCount } from "./format.js";
import { hrefFor, limits, pageSize } from "./state.js";

const WINDOW = 2; // pages shown either side of the current one

/** The <li> items of the pager, or [] when everything fits on one page. */
export function pageItems(state, total) {
  const size = pageSize(state);
  const last = Math.min(Math.ceil(total / size), Math.floor(limits.maxOffset / size) + 1);
  if (last <= 1) return [];
  const items = [];
  // Past the last page (an old link), "Previous" leads to the last page that has results.
  const previousPage = Math.min(state.page - 1, last);
  if (state.page > 1) items.push(link(state, previousPage, "Previous", { rel: "prev", "aria-label": "Previous page" }));
  let previous = 0;
  for (const page of pagesToShow(state.page, last)) {
    if (page > previous + 1) items.push(h("li", {}, h("span", { "aria-hidden": "true" }, "…")));
    items.push(link(state, page, formatCount(page), {
      "aria-label": `Page ${page}`,
      "aria-current": page === state.page ? "page" : null,
    }));
    previous = page;
  }
  if (state.page < last) items.push(link(state, state.page + 1, "Next", { rel: "next", "aria-label": "Next page" }));
  return items;
}

function pagesToShow(current, last) {
  const pages = new Set([1, last]);
  for (let p = current - WINDOW; p <= current + WINDOW; p++) if (p >= 1 && p <= last) pages.add(p);
  return [...pages].sort((a, b) => a - b);
}

function link(state, page, text, attrs) {
  return h("li", {}, h("a", { href: hrefFor({ ...state, page }), "data-nav": true, ...attrs }, text));
}
