// The one way the UI writes a date, a time and a number: in the app's
// language (its `format_tag` from the core, never the process locale,
// which may be `C` on a kiosk) and the core's time zone (Europe/Oslo unless
// the tablet says otherwise). A tidy test refuses `Intl`, `toLocale…` and
// `toFixed` anywhere else in the UI.

/** How a UCUM unit is written for the patient. */
export const UNITS = { "mm[Hg]": "mmHg", Cel: "°C", "[degF]": "°F", "[lb_av]": "lb", "%": "%", kg: "kg", "/min": "/min", "mmol/L": "mmol/L", "mg/dL": "mg/dL", "L/min": "L/min", L: "L", "{score}": "" };

let tag = "nb-NO";
let timeZone = "Europe/Oslo";

/** Set by `loadLocale` from what the core gives with the language. */
export function setFormat(formatTag, zone) {
  tag = formatTag;
  timeZone = zone || "Europe/Oslo";
}

/** The BCP 47 tag dates and numbers are written with ("nb-NO"). */
export function formatTag() {
  return tag;
}

/** The IANA time zone moments are shown in. */
export function formatTimeZone() {
  return timeZone;
}

/** A moment (ISO 8601, UTC) as a date and time: "3. des. 2026, 08:01". */
export function formatMoment(iso) {
  return new Date(iso).toLocaleString(tag, { dateStyle: "medium", timeStyle: "short", timeZone });
}

/** A moment's clock time: "08:01". */
export function formatClock(iso) {
  return new Date(iso).toLocaleTimeString(tag, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone });
}

/** A moment's day: "mandag 1. desember". */
export function formatMomentDay(iso) {
  return new Date(iso).toLocaleDateString(tag, { weekday: "long", day: "numeric", month: "long", timeZone });
}

// A calendar day (`YYYY-MM-DD`) is the same day everywhere: written at
// noon UTC, in UTC.
function civilDay(date) {
  return new Date(`${String(date).slice(0, 10)}T12:00:00Z`);
}

/** A calendar day (`YYYY-MM-DD`): "1. desember 2026". */
export function formatDate(date) {
  return civilDay(date).toLocaleDateString(tag, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

/** A calendar day (`YYYY-MM-DD`) with its weekday: "mandag 1. desember". */
export function formatWeekday(date) {
  return civilDay(date).toLocaleDateString(tag, { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" });
}

/** The language's decimal mark ("," in Norwegian, "." in English). */
function decimalMark() {
  const part = new Intl.NumberFormat(tag).formatToParts(1.5).find((p) => p.type === "decimal");
  return part ? part.value : ".";
}

/** A number exactly as given (its digits kept, never rounded), with the
 * language's decimal mark: "73,450". */
export function formatNumber(value) {
  return String(value).replace(".", decimalMark());
}

/** A value with its unit as the patient reads it: "73,450 kg". */
export function formatValue(value, unit) {
  const number = formatNumber(value);
  const shown = UNITS[unit] ?? unit;
  return shown ? `${number} ${shown}` : number;
}

/** A computed value rounded to `decimals` (a share of a personal best),
 * with its unit. */
export function formatRounded(x, decimals, unit) {
  return formatValue(x.toFixed(decimals), unit);
}

/** Charts (uPlot) write numbers with `navigator.language`, which WebKit
 * takes from the process locale; under `C` that is no language tag and
 * `Intl` throws: name the app's language instead, for this page only. */
export function usableChartLanguage() {
  try {
    new Intl.NumberFormat(navigator.language);
  } catch {
    Object.defineProperty(navigator, "language", { value: tag, configurable: true });
  }
}
