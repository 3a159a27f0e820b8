// One list item per hit: the highlighted title (a button that shows the full article in
// place, since hits carry no URL of their own), the section, date and people, the snippet.

import { getDocument } from "./api.js";
import { h } from "./dom.js";
import { formatDate } from "./format.js";
import { highlighted } from "./highlight.js";
import { safeHref } from "./safe-url.js";

/** The <li> items of the hits; `first` numbers the panels uniquely across pages. */
export function hitItems(hits, first = 0) {
  return hits.map((hit, i) => hitItem(hit, `article-${first + i}`));
}

function hitItem(hit, panelId) {
  const panel = h("div", { id: panelId, class: "article", hidden: true });
  const toggle = h("button", { type: "button", class: "hit-toggle", "aria-expanded": "false", "aria-controls": panelId },
    hit.title ? highlighted(hit.title) : `Untitled (${hit.id})`);
  toggle.addEventListener("click", () => toggleArticle(toggle, panel, hit.id));
  return h("li", { class: "hit", "data-id": hit.id },
    h("article", {},
      h("h3", { class: "hit-title", dir: "auto" }, toggle),  // Arabic or Hebrew text: its own direction
      hitMeta(hit),
      h("p", { class: "snippet", dir: "auto" }, highlighted(hit.snippet)),
      panel));
}

function hitMeta(hit) {
  const parts = [];
  if (hit.section) parts.push(h("span", { class: "hit-section" }, hit.section));
  if (hit.published) parts.push(h("time", { datetime: hit.published }, formatDate(hit.published)));
  if (hit.people?.length) parts.push(h("span", { class: "hit-people" }, hit.people.join(", ")));
  return h("p", { class: "hit-meta" }, parts);
}

/** Show or hide the full article under a hit, fetching it the first time. */
async function toggleArticle(toggle, panel, id) {
  const open = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", String(open));
  panel.hidden = !open;
  if (!open || panel.dataset.loaded) return;
  panel.dataset.loaded = "loading";
  panel.setAttribute("aria-busy", "true");
  panel.replaceChildren(h("p", {}, "Loading the article…"));
  try {
    panel.replaceChildren(...articleContent(await getDocument(id)));
  } catch (error) {
    delete panel.dataset.loaded; // let a later click try again
    panel.replaceChildren(h("p", { class: "notice notice-error", role: "alert" },
      `The article could not be loaded: ${error.message}`));
  } finally {
    panel.removeAttribute("aria-busy");
  }
}

/** The article's body as paragraphs of plain text, then what the index knows about it. */
function articleContent(doc) {
  const paragraphs = String(doc.body ?? "").split(/\n\s*\n/).filter((p) => p.trim());
  const content = paragraphs.map((p) => h("p", {}, p.trim()));
  if (doc.dates?.length) content.push(h("p", { class: "hit-meta" }, `Dates mentioned: ${doc.dates.map(formatDate).join(", ")}`));
  const href = safeHref(doc.source);
  if (href) content.push(h("p", {}, h("a", { href, rel: "noreferrer nofollow" }, "Original article")));
  return content.length ? content : [h("p", {}, "This article has no text.")];
}
