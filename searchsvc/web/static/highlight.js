// Titles and snippets arrive as HTML: the server escapes the document's text and adds only
// <mark> tags. That string is never handed to the HTML parser (no innerHTML): it is split on
// the two tags and the entities of the pieces are decoded here, so even if the server let
// markup through, the page could only ever show it as text.

const MARK_TAG = /(<mark>|<\/mark>)/i;
const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]{1,7}));/g;
// What Python's html.escape produces, plus the two other entities worth knowing.
const NAMED = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/** "&lt;b&gt; &amp; &#x27;" -> "<b> & '"; unknown named entities are left as they are. */
export function decodeEntities(text) {
  return text.replace(ENTITY, (whole, decimal, hex, name) => {
    if (name) return Object.hasOwn(NAMED, name) ? NAMED[name] : whole;
    const code = decimal ? parseInt(decimal, 10) : parseInt(hex, 16);
    return isScalarValue(code) ? String.fromCodePoint(code) : "\uFFFD";
  });
}

function isScalarValue(code) {
  return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
}

/** The server's highlighted HTML as a fragment of Text nodes and <mark> elements, nothing else. */
export function highlighted(html) {
  const fragment = document.createDocumentFragment();
  let mark = null;
  for (const piece of String(html ?? "").split(MARK_TAG)) {
    const tag = piece.toLowerCase();
    if (tag === "<mark>") {
      mark = document.createElement("mark");
      fragment.append(mark);
    } else if (tag === "</mark>") {
      mark = null;
    } else if (piece) {
      (mark ?? fragment).append(decodeEntities(piece)); // append(string) makes a Text node
    }
  }
  return fragment;
}
