// Heima's UI entry: registers the screens (screens/) with the router
// (shell.js) and starts. Every text comes from the Fluent files through
// i18n.js; data comes from the core through ipc.js. Routes: #/today,
// #/measure[/<kind>], #/result/<id>, #/questionnaire/<id>, #/plan,
// #/history[/<kind>/<days>], #/messages, #/call, #/devices, #/settings,
// #/nurse, #/material/<id>, #/summary. When someone calls, the call screen comes up by itself.

import { invoke } from "./ipc.js";
import { loadLocale } from "./i18n.js";
import { showError, showErrors } from "./dom.js";
import { app, registerScreens, route } from "./shell.js";
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
  window.addEventListener("hashchange", route);
  // Choosing the screen one is on shows it afresh (new readings, replies).
  for (const link of document.querySelectorAll("nav a")) {
    link.addEventListener("click", () => {
      if (link.getAttribute("href") === location.hash) route();
    });
  }
  await route();
  // After the first screen is drawn (drawing one clears the notices).
  showErrors(notices);
  watchForCalls();
  // For the start-up benchmark (does nothing unless it is measuring).
  invoke("ui_ready").catch(() => {});
}

/** Brings up the call screen when the service (or the demo nurse) calls. */
function watchForCalls() {
  setInterval(async () => {
    if (document.getElementById("main").dataset.screen === "call") return;
    try {
      const call = await invoke("call_status");
      if (call.phase === "incoming") location.hash = "#/call";
    } catch (error) {
      console.error(error);
    }
  }, 1500);
}

start();
