// The app's shared state and chrome, kept apart from the screens so the
// screens can use it without an import cycle: the settings and service
// status, the banners and unread badge (refreshChrome), and the router
// (whose screens app.js registers). The core says which screens a mode
// allows: in recovery only today's (the recovery screen), settings and the
// nurse's page; after the end only the goodbye.

import { invoke } from "./ipc.js";
import { setMessage, showText } from "./i18n.js";
import { stopReading } from "./read_aloud.js";
import { showError, showNotice, clearErrors } from "./dom.js";
import { formatValue } from "./format.js";

/** `onChange`: what the screen on show does when the core tells a change
 * (the router sets it from `listen` when it shows a screen; none:
 * nothing). `notice`: a notice shown now that stays through the next
 * move. */
export const app = { settings: null, status: null, onChange: null, notice: null };

/** What a form drawn with `status` is for: practice in training, else
 * real (the core refuses it, `training-changed`, if that has changed). */
export function formFor(status) {
  return status && status.training ? "training" : "real";
}

/** Shows a notice (a Fluent id, and a code for tests) that stays on the
 * screen through the next move. */
export function tellNotice(id, code) {
  app.notice = { id, code, keep: true };
  showNotice(id, code);
}

/** What each drawn screen does when it is shown and when the core tells
 * a change (`listen`), kept with the screen's element. */
const listeners = new WeakMap();

/** Says what `screen` does while it is on show: `changed(change)` when the
 * core tells a change, `shown()` once it is in the window. The router
 * hands them over only for the draw it shows, so a slower draw that a
 * newer one overtook never hears a change nor starts anything. Returns
 * `screen`. */
export function listen(screen, { changed = null, shown = null } = {}) {
  listeners.set(screen, { changed, shown });
  return screen;
}

const main = () => document.getElementById("main");
let screens = {};
/** The tab each screen belongs to. */
const TAB = { dose: "today", photo: "today", appointments: "today", result: "measure", history: "measure", questionnaire: "today", nurse: "settings", devices: "settings", call: "messages", material: "plan", summary: "plan", privacy: "settings" };

export function registerScreens(table) {
  screens = table;
}

/** Banners and the unread badge, from the service status. */
export async function refreshChrome() {
  const status = await invoke("service_status");
  app.status = status;
  document.getElementById("demo-banner").hidden = status.mode !== "demo";
  document.getElementById("training-banner").hidden = !status.training;
  document.body.classList.toggle("training", status.training);
  const badge = document.getElementById("unread-badge");
  badge.hidden = status.unread === 0;
  setMessage(badge, "nav-unread", { count: status.unread });
  return status;
}

/** The screen on show drawn afresh after a change the core told: what
 * the notices say stays. */
export function redraw() {
  return route({ fresh: false });
}

/** The newest draw asked for: a slower one that started before it does
 * not cover it when it ends. */
let drawing = 0;
/** What the screen on show does with a change (kept while another draws,
 * so a draw that fails leaves it listening). */
let onShow = null;
/** A change the core told while a screen was being drawn: the screen
 * hears it (as `missed`) once it is shown. */
let missedWhileDrawing = false;

/** After a panic: the restart screen stays, and nothing listens. */
export function stopDrawing() {
  drawing += 1;
  onShow = null;
  app.onChange = null;
}

/** Draws the screen the address names; a move (`fresh`, the default)
 * clears the notices of the screen before. */
export async function route({ fresh = true } = {}) {
  const mine = ++drawing;
  // Another screen (or the same chosen afresh): what was being read aloud
  // stops. A redraw after a change the core told (a sync round ending
  // while a result is read) does not.
  if (fresh) stopReading();
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  let name = screens[parts[0]] ? parts[0] : "today";
  if (fresh) {
    clearErrors();
    // A notice the core just gave survives the move it may have caused.
    if (app.notice && app.notice.keep) {
      showNotice(app.notice.id, app.notice.code);
      app.notice = { ...app.notice, keep: false };
    }
  }
  if (main().dataset.screen === "restart") return;
  try {
    // Leaving the nurse's page: the core locks it (unless training is on).
    if (main().dataset.screen === "nurse" && name !== "nurse") await invoke("nurse_page_left");
    // Leaving the photo screen: the camera closes, a photo not sent is forgotten.
    if (main().dataset.screen === "photo" && name !== "photo") await invoke("photo_discard");
    const status = await refreshChrome();
    // The core says which screens this mode allows (the rest show today's).
    const only = status.only_screens;
    if (only && !only.includes(name)) name = "today";
    const tab = TAB[name] || name;
    for (const link of document.querySelectorAll("nav a")) {
      if (link.dataset.route === tab) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
      // Tabs that lead nowhere in this mode are not offered.
      link.hidden = !!only && !only.includes(link.dataset.route);
    }
    document.querySelector("nav").hidden = status.mode === "ended";
    // While it draws, a change is noted for the screen to come.
    missedWhileDrawing = false;
    app.onChange = () => { missedWhileDrawing = true; };
    const screen = await screens[name](parts.slice(1), status);
    // After a panic the restart screen stays, even if it came up while
    // this one was being drawn.
    if (main().dataset.screen === "restart" || mine !== drawing) return;
    main().replaceChildren(screen);
    main().dataset.screen = name;
    const on = listeners.get(screen);
    onShow = on ? on.changed : null;
    app.onChange = onShow;
    if (on && on.shown) on.shown();
    if (missedWhileDrawing && onShow) Promise.resolve(onShow({ change: "missed" })).catch(showError);
    // After a move, the new screen's heading is where a screen reader starts.
    if (document.activeElement && document.activeElement.closest("nav")) {
      const h = document.getElementById("screen-heading");
      if (h) h.focus({ preventScroll: true });
    }
  } catch (error) {
    // The screen before stays on show, and listening.
    if (mine === drawing && main().dataset.screen !== "restart") {
      app.onChange = onShow;
      if (missedWhileDrawing && onShow) Promise.resolve(onShow({ change: "missed" })).catch(console.error);
    }
    showError(error);
  }
  document.body.dataset.ready = "true";
}

/** After a language switch: texts the service sent and formatted values. */
export function retranslateData() {
  for (const element of document.querySelectorAll("[data-service-text]")) {
    showText(element, JSON.parse(element.dataset.serviceText));
  }
  for (const span of document.querySelectorAll("[data-values]")) {
    span.textContent = JSON.parse(span.dataset.values).map((x) => formatValue(x.value, x.unit)).join(" / ");
  }
}
