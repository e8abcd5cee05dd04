// Fluent in the webview: the core hands over a locale's .ftl sources and
// this module formats them with the vendored `@fluent/bundle` (0.19.1,
// Apache-2.0, its ESM files copied unchanged into vendor/fluent-bundle).
// Elements carry `data-l10n-id` (and optionally `data-l10n-args` as JSON and
// `data-l10n-attr` to fill an attribute instead of the text), so a language
// switch re-translates the page.

import { FluentBundle, FluentResource } from "./vendor/fluent-bundle/index.js";
import { invoke } from "./ipc.js";

let bundle = null;
let current = "nb";

/** The tag of the language in use ("nb", "nn" or "en"). */
export function localeTag() {
  return current;
}

/** The BCP 47 tag dates and numbers are formatted with: the app's
 * language, never the process locale (which may be `C` on a kiosk). */
export function formatTag() {
  return { nb: "nb-NO", nn: "nn-NO", en: "en-GB" }[current] || "nb-NO";
}

/** A moment (ISO 8601, UTC) as a date and time in the app's language and
 * the tablet's time zone: "3. des. 2026, 08:01". */
export function formatMoment(iso) {
  return new Date(iso).toLocaleString(formatTag(), { dateStyle: "medium", timeStyle: "short" });
}

/** A moment's clock time in the tablet's time zone: "08:01". */
export function formatClock(iso) {
  return new Date(iso).toLocaleTimeString(formatTag(), { hour: "2-digit", minute: "2-digit" });
}

/** Picks a service-provided text ({nb, nn, en}) in the language in use. */
export function pick(text) {
  if (!text) return "";
  return text[current] || text.nb;
}

/** Loads a locale ("nb", "nn", "en") and translates the whole document. */
export async function loadLocale(tag) {
  const sources = await invoke("locale_sources", { tag });
  const next = new FluentBundle(tag, { useIsolating: false });
  for (const source of sources) {
    const errors = next.addResource(new FluentResource(source));
    for (const error of errors) console.error("fluent:", error);
  }
  bundle = next;
  current = tag;
  document.documentElement.lang = tag;
  translate(document);
}

/** The formatted message `id`, or the id itself when it is missing. */
export function t(id, args) {
  const message = bundle && bundle.getMessage(id);
  if (!message || !message.value) {
    console.error("missing message:", id);
    return id;
  }
  return bundle.formatPattern(message.value, args);
}

/** Sets an element's message and translates it now. */
export function setMessage(element, id, args) {
  element.dataset.l10nId = id;
  if (args) element.dataset.l10nArgs = JSON.stringify(args);
  else delete element.dataset.l10nArgs;
  translateElement(element);
  return element;
}

function translateElement(element) {
  const args = element.dataset.l10nArgs ? JSON.parse(element.dataset.l10nArgs) : undefined;
  const text = t(element.dataset.l10nId, args);
  if (element.dataset.l10nAttr) element.setAttribute(element.dataset.l10nAttr, text);
  else element.textContent = text;
}

/** Translates every element below `root` that has a `data-l10n-id`. */
export function translate(root) {
  for (const element of root.querySelectorAll("[data-l10n-id]")) translateElement(element);
}

/** The user-facing text for a core error (`{code, detail}`). */
/** Whether the current locale has a message `id` (for messages built
 * from a core value, with general words as the fallback). */
export function hasMessage(id) {
  return Boolean(bundle && bundle.hasMessage(id));
}

export function errorText(error) {
  const code = error && typeof error === "object" ? error.code : null;
  return code && bundle && bundle.hasMessage(`error-${code}`) ? t(`error-${code}`, error.args) : t("error-generic");
}
