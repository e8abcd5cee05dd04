// Fluent in the webview: the core hands over a locale's .ftl sources and
// this module formats them with the vendored `@fluent/bundle` (0.19.1,
// Apache-2.0, its ESM files copied unchanged into vendor/fluent-bundle).
// Elements carry `data-l10n-id` (and optionally `data-l10n-args` as JSON and
// `data-l10n-attr` to fill an attribute instead of the text), so a language
// switch re-translates the page. A service's own texts come in the
// languages the service gave; `showText` shows the patient's or the nearest
// and says so. Dates and numbers are `format.js`'s.

import { FluentBundle, FluentResource } from "./vendor/fluent-bundle/index.js";
import { invoke } from "./ipc.js";

import { setFormat } from "./format.js";

let bundle = null;
let current = "nb";
// The order a service's text falls back in, from the core (Locale::fallbacks).
let fallbacks = ["nb", "nn", "en", "se"];
// The languages the app speaks, for the picker: [{locale, preview}].
let choices = [];

/** The languages the app speaks, as the core lists them. */
export function languageChoices() {
  return choices;
}

/** The tag of the language in use ("nb", "nn", "en" or "se"). */
export function localeTag() {
  return current;
}

/** A service's text (`{nb, nn, …}`, the languages it gave) as the patient
 * sees it: `[language, text]`, in the patient's language, else the first
 * of the core's fallbacks that it has. */
export function shownIn(text) {
  if (!text) return [current, ""];
  if (typeof text === "string") return [current, text];
  for (const language of fallbacks) {
    if (text[language] !== undefined && text[language] !== null) return [language, text[language]];
  }
  const [first] = Object.entries(text);
  return first || [current, ""];
}

/** A service's text in the language the patient sees it in. */
export function pick(text) {
  return shownIn(text)[1];
}

/** Puts a service's text in `element`: in the patient's language, else
 * in the nearest one it has, then with `lang` set and a small note of
 * the language ("Står på bokmål"). Kept for a language switch. */
export function showText(element, text) {
  element.dataset.serviceText = JSON.stringify(text);
  const [language, words] = shownIn(text);
  element.textContent = words;
  markLanguage(element, language);
  return element;
}

/** The note "(står på bokmål)" for a text shown in `language`, or null
 * when that is the patient's. */
function languageNote(language) {
  if (language === current) return null;
  const note = document.createElement("span");
  note.className = "other-language";
  note.lang = current;
  note.dataset.l10nId = `text-in-${language}`;
  note.textContent = t(`text-in-${language}`);
  return note;
}

/** Sets `lang` on an element whose content is in `language`, and adds
 * the note after it when that is not the patient's language (before it,
 * for a long text in blocks, `first`). An empty text gets no note. */
export function markLanguage(element, language, { first = false } = {}) {
  for (const old of element.querySelectorAll(":scope > .other-language")) old.remove();
  const note = element.textContent.trim() ? languageNote(language) : null;
  if (!note) {
    if (language === current) element.removeAttribute("lang");
    return element;
  }
  element.lang = language;
  if (first) element.prepend(note, " ");
  else element.append(" ", note);
  return element;
}

/** For a message that names a service's text in its words ("Bilde:
 * { $title }"): adds the note when the text is shown in another language. */
export function noteLanguage(element, text) {
  const [language, words] = shownIn(text);
  const note = words && words.trim() ? languageNote(language) : null;
  if (note) element.append(" ", note);
  return element;
}

/** Loads a locale ("nb", "nn", "en", "se") and translates the whole document. */
export async function loadLocale(tag) {
  const loaded = await invoke("locale_sources", { tag });
  const next = new FluentBundle(loaded.format_tag, { useIsolating: false });
  for (const source of loaded.sources) {
    const errors = next.addResource(new FluentResource(source));
    for (const error of errors) console.error("fluent:", error);
  }
  bundle = next;
  current = loaded.locale;
  fallbacks = loaded.fallbacks;
  choices = loaded.languages;
  setFormat(loaded.format_tag, loaded.time_zone);
  document.documentElement.lang = current;
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

/** Whether the current locale has a message `id` (for messages built
 * from a core value, with general words as the fallback). */
export function hasMessage(id) {
  return Boolean(bundle && bundle.hasMessage(id));
}

/** The user-facing text for a core error (`{code, detail}`). */
export function errorText(error) {
  const code = error && typeof error === "object" ? error.code : null;
  return code && bundle && bundle.hasMessage(`error-${code}`) ? t(`error-${code}`, error.args) : t("error-generic");
}
