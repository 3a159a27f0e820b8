// Building elements without ever parsing HTML: attributes are set one by one and every
// string child becomes a Text node, so data can never turn into markup here.

/**
 * h("a", {href: "/x", class: "chip"}, "text", otherNode) -> <a>.
 * Props: "class", "dataset" (an object), "on<event>" (a listener), anything else an attribute;
 * null/undefined/false props and children are left out, true is an empty attribute.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (name === "class") el.className = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  el.append(...children.flat().filter((c) => c != null && c !== false));
  return el;
}

/** A span only screen readers announce (extra words for sighted-obvious context). */
export function srOnly(text) {
  return h("span", { class: "visually-hidden" }, text);
}
