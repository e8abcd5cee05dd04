// Heima's UI entry: loads the settings and the language, registers the
// screens (screens/) with the router (shell.js) and starts. Every text comes
// from the Fluent files through i18n.js; data comes from the core through
// ipc.js. Routes: #/today, #/measure[/<kind>], #/result/<id>,
// #/questionnaire/<id>, #/dose/<medicine>/<due>, #/photo/<activity>, #/appointments, #/plan, #/history[/<kind>/<days>], #/messages,
// #/call, #/devices, #/settings, #/nurse, #/material/<id>, #/summary. When
// someone calls, the call screen comes up by itself; a `heima-enrol:` link
// brings up the nurse's page; after a panic, the restart screen comes up.
// The core tells what changes (ipc.js listenToChanges): screens re-render on
// it, and nothing asks the core again and again.

import { invoke, listenToChanges } from "./ipc.js";
import { loadLocale, setMessage } from "./i18n.js";
import { button, el, heading, showError, showErrors } from "./dom.js";
import { app, refreshChrome, registerScreens, route, stopDrawing, tellNotice } from "./shell.js";
import { readingChanged } from "./read_aloud.js";
import { renderToday } from "./screens/today.js";
import { renderMeasure, renderResult } from "./screens/measure.js";
import { renderQuestionnaire } from "./screens/questionnaire.js";
import { renderPlan } from "./screens/plan.js";
import { renderHistory } from "./screens/history.js";
import { renderMessages } from "./screens/messages.js";
import { renderCall } from "./screens/call.js";
import { renderSettings, renderDevices, applyDisplay } from "./screens/settings.js";
import { renderNurse } from "./screens/nurse.js";
import { renderMaterial } from "./screens/material.js";
import { renderSummary } from "./screens/summary.js";
import { renderPrivacy } from "./screens/privacy.js";
import { renderDose } from "./screens/dose.js";
import { renderAppointments } from "./screens/appointments.js";
import { renderPhoto } from "./screens/photo.js";

registerScreens({
  today: renderToday,
  measure: renderMeasure,
  result: renderResult,
  questionnaire: renderQuestionnaire,
  plan: renderPlan,
  history: renderHistory,
  messages: renderMessages,
  call: renderCall,
  devices: renderDevices,
  settings: renderSettings,
  nurse: renderNurse,
  material: renderMaterial,
  summary: renderSummary,
  privacy: renderPrivacy,
  dose: renderDose,
  appointments: renderAppointments,
  photo: renderPhoto,
});

async function start() {
  let notices = [];
  try {
    const view = await invoke("settings");
    app.settings = view.settings;
    applyDisplay();
    await loadLocale(app.settings.locale);
    notices = view.notices;
  } catch (error) {
    console.error(error);
  }
  window.addEventListener("hashchange", async () => {
    await route();
    // A call that rings comes back to the front wherever the patient goes
    // (after the screen she went to is drawn, so it does not draw over it).
    if (ringing && location.hash !== "#/call") {
      const call = await invoke("call_status").catch(() => null);
      ringing = call?.phase === "incoming";
      if (ringing) location.hash = "#/call";
    }
  });
  // Choosing the screen one is on shows it afresh (new readings, replies).
  for (const link of document.querySelectorAll("nav a")) {
    link.addEventListener("click", () => {
      if (link.getAttribute("href") === location.hash) route();
    });
  }
  await followLink().catch(showError);
  await listenToChanges(onChange).catch(showError);
  await route();
  // After the first screen is drawn (drawing one clears the notices).
  showErrors(notices);
  // For the start-up benchmark (does nothing unless it is measuring).
  invoke("ui_ready").catch(() => {});
}

/** Screens where someone may be typing or answering: a background result
 * does not take them away. */
const BUSY_SCREENS = new Set(["measure", "questionnaire", "messages", "nurse", "call"]);

/** What the core tells: a red reading from the background opens its
 * result at once; training ended by the lock says so; the banners follow
 * every change, and the screen on show does what it wants with it. */
async function onChange(change) {
  // A call rings: its screen comes up. A link arrived: the nurse's page.
  // A panic: the restart screen instead of a screen that may not work.
  if (change.change === "ringing") {
    ringing = true;
    if (document.getElementById("main").dataset.screen !== "call") location.hash = "#/call";
    return;
  }
  if (change.change === "link-arrived") {
    await followLink().catch(showError);
    return;
  }
  if (change.change === "read-aloud") {
    readingChanged(change.reading, change.failed);
    return;
  }
  if (change.change === "restart-needed") {
    showRestart();
    return;
  }
  if (change.change === "show-reading") {
    // In the middle of typing or answering, nothing is lost: a notice
    // with the way to the result instead (it stays on the today screen).
    if (BUSY_SCREENS.has(document.getElementById("main").dataset.screen)) {
      const notice = el("p", "notice notice--warn", "background-result-waiting");
      notice.dataset.code = "background-result";
      const open = el("a", "button button--secondary", "background-result-open");
      open.href = `#/result/${change.id}`;
      notice.append(" ", open);
      document.getElementById("notices").replaceChildren(notice);
    } else {
      location.hash = `#/result/${change.id}`;
    }
    return;
  }
  if (change.change === "training" && !change.on && change.why === "nurse-locked") {
    tellNotice("training-ended-locked", "training-ended");
    // A form open in training says so no longer: what is sent now counts.
    for (const note of document.querySelectorAll("[data-l10n-id=training-note]")) {
      note.className = "notice notice--error";
      setMessage(note, "training-ended-locked");
    }
  }
  try {
    // Only the desktop shows these; the screens hear what they are about.
    if (change.change !== "remind" && change.change !== "attention") await refreshChrome();
    if (app.onChange) await app.onChange(change);
  } catch (error) {
    console.error(error);
  }
}

/** "Heima må starte på nytt": after a panic, a plain message and a
 * restart button instead of a screen that may not work. */
function showRestart() {
  const main = document.getElementById("main");
  if (main.dataset.screen === "restart") return;
  // No draw or screen acts any more (they may not work).
  stopDrawing();
  const section = el("section", "screen screen--restart");
  section.id = "restart";
  const again = button("restart-button", () => invoke("restart"), "button button--big");
  again.id = "restart-button";
  section.append(heading("restart-heading"), el("p", null, "restart-text"), again);
  main.replaceChildren(section);
  main.dataset.screen = "restart";
  document.body.dataset.ready = "true";
}

/** The nurse's page, once for each heima-enrol: link that opens the app. */
let linkShown = null;
async function followLink() {
  const link = await invoke("arrived_link");
  if (link && link !== linkShown) {
    linkShown = link;
    if (location.hash !== "#/nurse") location.hash = "#/nurse";
  }
}

/** A call rang and has not been seen to stop ringing. */
let ringing = false;

start();
