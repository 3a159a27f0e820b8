// Numbers, durations and the partial dates of the API (YYYY, YYYY-MM, YYYY-MM-DD) for people.

const numbers = new Intl.NumberFormat();
const day = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const month = new Intl.DateTimeFormat(undefined, { month: "long", year: "numeric", timeZone: "UTC" });

export function formatCount(n) {
  return numbers.format(n);
}

export function plural(n, one, many) {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function formatMs(ms) {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return "";
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

/** "2025-05-08" -> "8 May 2025", "2025-05" -> "May 2025", "2025" -> "2025"; anything else unchanged. */
export function formatDate(value) {
  // A mentioned date is YYYY, YYYY-MM or YYYY-MM-DD; `published` is a date-time: shown as its day.
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T[\d:.]+Z?)?)?)?$/.exec(value ?? "");
  if (!m) return value ?? "";
  const [, y, mo, d] = m;
  if (!mo) return y;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d ?? 1)));
  if (Number.isNaN(date.getTime())) return value;
  return (d ? day : month).format(date);
}
