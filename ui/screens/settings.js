// Innstillinger and Måleapparater: language, text size (three steps),
// high contrast, the reminders' sound, the connection with the follow-up service (sent and
// waiting, a progress bar for large uploads, "send now"), the paired
// devices and Bluetooth's state. The nurse's screen opens from here.

import { invoke } from "../ipc.js";
import { languageChoices, loadLocale, t, errorText } from "../i18n.js";
import { formatMoment } from "../format.js";
import { el, heading, button, radioChoice, showError, announce, linkButton, deviceItem } from "../dom.js";
import { app, listen, retranslateData } from "../shell.js";

const TEXT_SIZES = ["normal", "large", "largest"];
const SOUNDS = ["bell", "chime", "alarm", "off"];

export function applyDisplay() {
  document.body.classList.toggle("high-contrast", app.settings.high_contrast);
  document.body.dataset.textSize = app.settings.text_size;
  document.documentElement.dataset.textSize = app.settings.text_size;
}

async function changeDisplay(change) {
  try {
    const next = { text_size: app.settings.text_size, high_contrast: app.settings.high_contrast, ...change };
    app.settings = await invoke("set_display", { textSize: next.text_size, highContrast: next.high_contrast });
    applyDisplay();
    announce(t("settings-display-saved"));
  } catch (error) {
    showError(error);
  }
}

async function changeLanguage(tag) {
  try {
    app.settings = await invoke("set_locale", { tag });
    await loadLocale(app.settings.locale);
    retranslateData();
    announce(t("settings-language-saved"));
  } catch (error) {
    showError(error);
  }
}

/** Text size (three steps) and high contrast, applied at once and saved. */
function renderDisplayChoices() {
  const box = el("div", "display-choices");
  const sizes = el("fieldset", "choices");
  sizes.append(el("legend", null, "settings-text-size"));
  for (const size of TEXT_SIZES) {
    const label = radioChoice("text-size", size, app.settings.text_size === size, `settings-text-size-${size}`, () => changeDisplay({ text_size: size }));
    label.lastChild.classList.add("text-size-sample", `text-size-sample--${size}`);
    sizes.append(label);
  }
  const contrast = el("label", "choice");
  const checkbox = document.createElement("input");
  checkbox.type = "checkbox";
  checkbox.id = "high-contrast";
  checkbox.checked = app.settings.high_contrast;
  checkbox.addEventListener("change", () => changeDisplay({ high_contrast: checkbox.checked }));
  contrast.append(checkbox, el("span", null, "settings-high-contrast"));
  box.append(sizes, contrast);
  return box;
}

/** The connection with the follow-up service: sent / waiting, a progress
 * bar while a large upload runs, and the last problem in words. */
export function renderServiceStatus(status) {
  const box = el("div", "service-status");
  box.id = "service-status";
  box.dataset.mode = status.mode;
  if (status.mode === "demo") {
    box.append(el("p", null, "service-demo"));
    return box;
  }
  if (status.mode === "revoked") {
    box.append(el("p", "notice notice--error", "revoked-text"));
  } else {
    box.append(el("p", null, "service-connected", { name: status.service_name || "" }));
  }
  const counts = el("p", "service-counts", "service-counts", { sent: status.sent, waiting: status.waiting });
  counts.dataset.sent = status.sent;
  counts.dataset.waiting = status.waiting;
  box.append(counts);
  if (status.progress && status.progress.total > 0) {
    const label = el("label", "service-progress-label", "service-progress", { done: status.progress.done, total: status.progress.total });
    label.htmlFor = "sync-progress";
    const bar = document.createElement("progress");
    bar.id = "sync-progress";
    bar.max = status.progress.total;
    bar.value = status.progress.done;
    box.append(label, bar);
  }
  if (status.last_error) {
    const problem = el("p", "service-problem");
    problem.textContent = errorText({ code: status.last_error });
    box.append(problem);
  }
  if (status.mode === "enrolled") {
    const send = el("button", "button", "service-send-now");
    send.type = "button";
    send.id = "sync-now";
    send.addEventListener("click", async () => {
      await invoke("sync_now");
      announce(t("service-send-now-started"));
    });
    box.append(send);
  }
  return box;
}

/** What keeps the status block current while it is on screen (for
 * `listen`): it is drawn afresh when the core tells of sync (and of
 * anything else the screen wants to follow, by `also`). */
export function serviceStatusWatch(also = () => {}) {
  return async (change) => {
    if (!["sync", "sync-progress", "missed", "training", "nurse-lock"].includes(change.change)) return also(change);
    const old = document.getElementById("service-status");
    if (!old) return also(change);
    // The chrome has just asked for it (app.js, before the screen's turn).
    const status = app.status;
    const text = JSON.stringify(status);
    // Replace only on a change, so keyboard focus stays put.
    if (old.dataset.status !== text) {
      const fresh = renderServiceStatus(status);
      fresh.dataset.status = text;
      const focused = document.activeElement && document.activeElement.id;
      old.replaceWith(fresh);
      if (focused && fresh.querySelector(`#${focused}`)) document.getElementById(focused).focus();
    }
    return also(change);
  };
}

/** The reminders' sound: three of the desktop's sounds or none, and a
 * reminder now to hear it. */
function renderSoundChoices() {
  const sounds = el("fieldset", "choices");
  sounds.id = "reminder-sounds";
  sounds.append(el("legend", null, "settings-reminder-sound"));
  for (const sound of SOUNDS) {
    sounds.append(radioChoice("reminder-sound", sound, app.settings.reminder_sound === sound, `settings-reminder-sound-${sound}`, async () => {
      try {
        app.settings = await invoke("set_reminder_sound", { sound });
        announce(t("settings-reminder-sound-saved"));
      } catch (error) {
        showError(error);
      }
    }));
  }
  const sample = el("button", "button button--secondary", "settings-reminder-sound-try");
  sample.type = "button";
  sample.id = "reminder-sound-try";
  sample.addEventListener("click", () => invoke("try_reminder_sound"));
  sounds.append(sample);
  return sounds;
}

export async function renderSettings(_params, status) {
  const section = el("section", "screen screen--settings");
  const fieldset = el("fieldset", "choices");
  fieldset.append(el("legend", null, "settings-language"));
  for (const { locale: tag, preview } of languageChoices()) {
    const label = radioChoice("language", tag, app.settings.locale === tag, `language-${tag}`, () => changeLanguage(tag));
    // Each language name is said in its own language.
    label.lastChild.lang = tag;
    // A translation not yet checked by a translator says so.
    if (preview) label.append(el("span", "language-preview", "settings-language-preview"));
    fieldset.append(label);
  }
  section.append(heading("settings-heading"), fieldset, renderDisplayChoices(), renderSoundChoices());
  const service = el("section", "service-section");
  service.append(el("h2", null, "service-heading"), renderServiceStatus(status));
  section.append(service);
  const devices = linkButton("settings-to-devices", "#/devices");
  devices.id = "settings-to-devices";
  section.append(devices);
  const privacy = el("section", "privacy-entry");
  const privacyOpen = linkButton("privacy-ask-open", "#/privacy");
  privacyOpen.id = "privacy-open";
  privacy.append(el("h2", null, "privacy-open"), el("p", null, "privacy-ask"), privacyOpen);
  const nurse = el("section", "nurse-entry");
  nurse.append(el("h2", null, "nurse-entry-heading"), linkButton("nurse-open", "#/nurse"));
  section.append(privacy, nurse);
  return listen(section, { changed: serviceStatusWatch() });
}

/** Paired devices with battery and when last seen. */
export function pairedList(devices) {
  const list = el("ul", "paired-devices");
  list.id = "paired-devices";
  if (devices.length === 0) {
    const li = el("li", "empty", "devices-none-paired");
    list.append(li);
    return list;
  }
  for (const d of devices) {
    const li = deviceItem("paired-device", d);
    if (d.battery_percent !== null) li.append(el("span", "device-battery", "devices-battery", { percent: d.battery_percent }));
    li.append(el("span", "device-seen", d.last_seen ? "devices-seen" : "devices-never-seen", d.last_seen ? { when: formatMoment(d.last_seen) } : undefined));
    list.append(li);
  }
  return list;
}

/** Demo only: the demo's oximeter sends a reading by itself in a moment,
 * as a device used with the app closed does; the app brings it up. */
function demoBackground() {
  const box = el("section", "demo-background");
  const send = button("demo-background-send", async () => {
    invoke("demo_background_reading").catch(showError);
    announce(t("demo-background-started"));
    location.hash = "#/today";
  }, "button button--secondary");
  send.id = "demo-background-send";
  box.append(el("h2", null, "demo-background-heading"), el("p", null, "demo-background-intro"), send);
  return box;
}

export async function renderDevices(_params, appStatus) {
  const section = el("section", "screen screen--devices");
  const status = el("div", "bluetooth-status");
  status.id = "bluetooth-status";
  section.append(heading("devices-heading"), status, el("h2", null, "devices-paired-heading"), pairedList(await invoke("paired_devices")));
  if (appStatus && appStatus.mode === "demo") section.append(demoBackground());
  const show = async () => {
    const bt = await invoke("bluetooth_status");
    status.dataset.state = bt.state;
    if (bt.state === "checking") {
      status.replaceChildren(el("p", null, "bluetooth-checking"));
    } else if (bt.state === "available") {
      status.replaceChildren(el("p", "notice notice--ok", "bluetooth-available"));
    } else {
      status.replaceChildren(
        el("p", "notice notice--warn", "bluetooth-unavailable"),
        el("p", null, `bluetooth-unavailable-${bt.reason}`),
      );
    }
  };
  await show();
  // The check at start ends: the core tells.
  return listen(section, { changed: (change) => { if (["bluetooth", "missed"].includes(change.change)) return show(); } });
}
