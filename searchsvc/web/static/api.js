// Calls to the search API. Every failure becomes an ApiError with a message fit to show:
// the API's own {"error": {...}} when it sent one, else a plain description.

export class ApiError extends Error {
  constructor({ status = 0, code = "error", message, param = null, retryAfter = null }) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.param = param;
    this.retryAfter = retryAfter;
  }
}

// The server refuses a request line longer than 8,190 bytes (gunicorn's limit) before the app
// can answer in JSON; percent-encoding makes a Cyrillic or Chinese query 6-9 times longer.
const MAX_URL_BYTES = 8000;

/** The ApiError of a URL too long to send, or null. */
export function tooLong(url) {
  return url.length > MAX_URL_BYTES
    ? new ApiError({ status: 414, code: "too_long", param: "q", message: "shorten it (it does not fit in a web address)" })
    : null;
}

/** GET path?params as JSON; throws ApiError (or the AbortError of a cancelled call). */
export async function getJSON(path, params, signal) {
  const url = params ? `${path}?${params}` : path;
  const long = tooLong(new URL(url, window.location.href).href);
  if (long) throw long;
  let response;
  try {
    response = await fetch(url, { signal, headers: { Accept: "application/json" } });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError({ code: "network", message: "The search service could not be reached." });
  }
  // Cancelled while the body arrives (a newer search, the back button): still an abort, not an
  // "unreadable answer" to show.
  const body = await response.json().catch((error) => {
    if (error.name === "AbortError") throw error;
    return null;
  });
  if (response.ok && body) return body;
  throw toApiError(response, body);
}

function toApiError(response, body) {
  const error = body && typeof body.error === "object" ? body.error : null;
  const retryAfter = Number.parseInt(error?.retry_after ?? response.headers.get("Retry-After") ?? "", 10);
  if (error && typeof error.message === "string") {
    return new ApiError({
      status: error.status ?? response.status,
      code: String(error.code ?? "error"),
      message: error.message,
      param: typeof error.param === "string" ? error.param : null,
      retryAfter: Number.isFinite(retryAfter) ? retryAfter : null,
    });
  }
  const reason = response.ok ? "an unreadable answer" : `status ${response.status}`;
  return new ApiError({ status: response.status, message: `The server answered with ${reason}.` });
}

export function search(params, signal) {
  return getJSON("search", params, signal); // relative: the app may be mounted under a prefix
}

export function suggest(prefix, limit, signal) {
  return getJSON("suggest", new URLSearchParams({ q: prefix, limit: String(limit) }), signal);
}

export function health(signal) {
  return getJSON("health", null, signal);
}

export function getDocument(id, signal) {
  return getJSON(`documents/${encodeURIComponent(id)}`, null, signal);
}
