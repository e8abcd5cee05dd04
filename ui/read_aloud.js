// "Les opp": a big button that reads the screen's own words aloud, each
// piece in the language it is written in (a service's text may be in
// another than the patient's), through the core (`read_aloud`). It stops on
// any tap and when the screen changes; the core tells when a reading
// starts and ends (`read-aloud`), and the button says "Stopp" meanwhile.
// Where the tablet has no voice for a language on the screen, the core
// refuses the whole reading and the button's note says which.

import { invoke } from "./ipc.js";
import { errorText, localeTag, setMessage } from "./i18n.js";
import { el } from "./dom.js";

// The core says a reading is under way.
let reading = false;
// A reading was asked for and has not ended (the core may still be
// starting the speech service): leaving the screen stops it too.
let asked = false;

// Not read: the app's own controls and what is not shown.
const SKIPPED = "button, nav, script, style, select, textarea, input, [hidden], [aria-hidden=true], .no-read";

/** The element a text belongs to as a block: its nearest ancestor that
 * is not laid out inline. */
function blockOf(element) {
  let at = element;
  while (at.parentElement && getComputedStyle(at).display.startsWith("inline")) at = at.parentElement;
  return at;
}

/** The screen's words under `root` as parts in reading order: each
 * block's shown text, in its language (the nearest `lang`), a new part
 * where either changes. */
export function spokenParts(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      const parent = node.parentElement;
      if (!parent || parent.closest(SKIPPED) || !node.textContent.trim()) return NodeFilter.FILTER_REJECT;
      // Not on screen (a closed "Slik gjør du det", a hidden part).
      return parent.getClientRects().length > 0 ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
    },
  });
  const parts = [];
  let last = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const block = blockOf(node.parentElement);
    const owner = node.parentElement.closest("[lang]");
    const language = (owner ? owner.lang : localeTag()).split("-")[0];
    if (last && last.block === block && last.language === language) {
      last.text += node.textContent;
    } else {
      last = { block, language, text: node.textContent };
      parts.push(last);
    }
  }
  return parts
    .map(({ language, text }) => ({ language, text: text.replace(/\s+/g, " ").trim() }))
    .filter((p) => p.text);
}

function buttons() {
  return document.querySelectorAll("button.read-aloud");
}

function showState() {
  for (const b of buttons()) {
    setMessage(b, reading ? "read-aloud-stop" : "read-aloud");
    b.setAttribute("aria-pressed", String(reading));
  }
}

/** Any tap while reading stops it (the tap still does what it does). */
function stopOnTap(event) {
  if (event.target.closest && event.target.closest("button.read-aloud")) return;
  stopReading();
}

/** Stops a reading under way (a tap, another screen). */
export function stopReading() {
  if (!reading && !asked) return;
  reading = false;
  asked = false;
  showState();
  invoke("stop_reading").catch(console.error);
}

/** The core told a reading started or ended (`failed`: the error code
 * when the speech service failed on the way). */
export function readingChanged(now, failed) {
  reading = now;
  if (!now) asked = false;
  if (failed) for (const note of document.querySelectorAll(".read-aloud-note")) note.textContent = errorText({ code: failed });
  document.removeEventListener("pointerdown", stopOnTap, true);
  if (reading) document.addEventListener("pointerdown", stopOnTap, true);
  showState();
}

/** The "Les opp" button for a screen: reads what `region()` holds (the
 * screen's main part by default), or stops. */
export function readAloudButton(region = () => document.getElementById("main")) {
  const box = el("div", "read-aloud-box no-print no-read");
  const b = el("button", "button button--secondary read-aloud", reading ? "read-aloud-stop" : "read-aloud");
  b.type = "button";
  b.setAttribute("aria-pressed", String(reading));
  const note = el("p", "read-aloud-note");
  note.setAttribute("role", "status");
  b.addEventListener("click", async () => {
    note.textContent = "";
    if (reading) {
      stopReading();
      return;
    }
    asked = true;
    try {
      await invoke("read_aloud", { parts: spokenParts(region()) });
    } catch (error) {
      asked = false;
      note.textContent = errorText(error);
    }
  });
  box.append(b, note);
  return box;
}
