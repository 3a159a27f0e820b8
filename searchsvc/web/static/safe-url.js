// A URL that comes from document content (an article's "source") becomes a link only when
// it is an absolute http(s) URL: never javascript:, data:, vbscript: or a relative path.

const SAFE_SCHEMES = new Set(["http:", "https:"]);

/** The normalised URL if it is safe to put in an href, else null. */
export function safeHref(value) {
  if (typeof value !== "string" || !value.trim()) return null;
  let url;
  try {
    url = new URL(value.trim()); // no base: relative values (file names) are not links
  } catch {
    return null;
  }
  return SAFE_SCHEMES.has(url.protocol) ? url.href : null;
}
