// Autocomplete for the search box, as an ARIA 1.2 combobox with a listbox popup: what is typed
// is completed from /suggest (people, title words, and after other words the query completed
// in their context, "bank of ja" -> "bank of japan"). Arrow keys move through the options,
// Enter picks one, Escape closes; focus stays in the box throughout.

import { suggest } from "./api.js";
import { h } from "./dom.js";

const DELAY_MS = 150; // wait for a pause in typing before asking
const MIN_CHARS = 2; // alone; after other words one letter is enough ("interest r")
const LIMIT = 8;
const MAX_SENT = 200; // the server's limit on q; longer text gets no suggestions

/** The word being typed: the text after the last space, unless it uses query syntax (a hyphen
 * inside a word is part of it, "leigh-pem"; a leading + or - is an operator). */
function lastWord(value) {
  const word = value.slice(value.search(/\S*$/));
  const enough = word.length >= (/\S\s+\S*$/.test(value) ? 1 : MIN_CHARS);
  return enough && !/[:"*?~()[\]{}^]|^[+-]/.test(word) ? word : "";
}

const KIND_LABELS = { person: "person", word: "word", query: "search" };

export class Autocomplete {
  /** onPick(suggestion) is called with {text, kind, count, q} when the user chooses one. */
  constructor(input, listbox, onPick) {
    this.input = input;
    this.listbox = listbox;
    this.onPick = onPick;
    this.options = [];
    this.active = -1;
    this.timer = 0;
    this.controller = null;
    input.addEventListener("input", () => this.schedule());
    input.addEventListener("keydown", (event) => this.onKey(event));
    input.addEventListener("blur", () => this.close());
    // Keep focus in the box when an option is pressed, so its click can pick it.
    listbox.addEventListener("mousedown", (event) => event.preventDefault());
  }

  schedule() {
    this.cancel();
    if (this.listbox.hidden) this.options = []; // what Escape hid belongs to the text before this edit
    const typed = this.input.value.trim();
    if (!lastWord(this.input.value) || typed.length > MAX_SENT) return this.close();
    this.timer = window.setTimeout(() => this.fetch(typed), DELAY_MS);
  }

  async fetch(typed) {
    const controller = new AbortController();
    this.controller = controller;
    try {
      const { suggestions } = await suggest(typed, LIMIT, controller.signal);
      // Typing may have moved on while the answer travelled.
      if (this.input.value.trim() === typed && document.activeElement === this.input) this.show(suggestions);
    } catch (error) {
      // A newer word cancelled this request: its own timer is set and must stay set.
      if (error.name === "AbortError" || this.controller !== controller) return;
      this.close(); // suggestions are a convenience: a failure just shows none
    }
  }

  show(suggestions) {
    this.options = suggestions;
    this.active = -1;
    this.listbox.replaceChildren(...suggestions.map((s, i) =>
      h("li", { id: `suggestion-${i}`, role: "option", "aria-selected": "false", onclick: () => this.pick(i) },
        h("span", {}, s.text),
        h("span", { class: "suggestion-kind" }, KIND_LABELS[s.kind] ?? s.kind))));
    this.setOpen(suggestions.length > 0);
  }

  onKey(event) {
    if (this.listbox.hidden) {
      if (event.key === "ArrowDown" && this.options.length) this.setOpen(true); // back after Escape
      if (event.key === "Escape") event.preventDefault(); // nor does a second Escape clear the text
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      const positions = this.options.length + 1; // the options, then the typed text itself
      this.highlight(((this.active + 1 + step + positions) % positions) - 1);
    } else if (event.key === "Enter" && this.active >= 0) {
      event.preventDefault();
      this.pick(this.active);
    } else if (event.key === "Escape") {
      event.preventDefault(); // keep the typed text (type=search would clear it)
      this.dismiss();
    }
  }

  /** Mark option i (-1: none, back to the typed text) as the active descendant. */
  highlight(i) {
    this.active = i;
    [...this.listbox.children].forEach((li, n) => li.setAttribute("aria-selected", String(n === i)));
    if (i >= 0) {
      this.input.setAttribute("aria-activedescendant", `suggestion-${i}`);
      this.listbox.children[i].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  }

  pick(i) {
    const suggestion = this.options[i];
    this.close();
    if (suggestion) this.onPick(suggestion);
  }

  setOpen(open) {
    this.listbox.hidden = !open;
    this.input.setAttribute("aria-expanded", String(open));
    if (!open) this.highlight(-1);
  }

  /** Forget any pending request (e.g. when the search is submitted). */
  cancel() {
    window.clearTimeout(this.timer);
    this.controller?.abort();
    this.controller = null;
  }

  /** Hide the options of the text as typed; ArrowDown shows them again. */
  dismiss() {
    this.cancel();
    this.setOpen(false);
  }

  close() {
    this.cancel();
    this.options = []; // ArrowDown must not bring back the options of a word no longer typed
    this.setOpen(false);
  }
}
