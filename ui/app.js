// Heima's UI: a hash router over a few screens. Every text comes from the
// Fluent files through i18n.js; data comes from the core through ipc.js.

import { invoke } from "./ipc.js";
import { loadLocale, setMessage, errorText, t, pick, localeTag } from "./i18n.js";

const main = document.getElementById("main");
const LANGUAGES = ["nb", "nn", "en"];
const STATE_MARK = { "to-do": "○", done: "✓", missed: "!" };

let settings = null;

/** Creates an element with a class and, optionally, a message. */
function el(tag, className, id, args) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (id) setMessage(element, id, args);
  return element;
}

function announce(text) {
  const status = document.getElementById("status");
  status.textContent = "";
  // A fresh text node makes screen readers read it again.
  setTimeout(() => { status.textContent = text; }, 50);
}

function showError(error) {
  console.error(error);
  const box = document.getElementById("notices");
  const p = el("p", "notice notice--error");
  p.textContent = errorText(error);
  box.replaceChildren(p);
}

/** The task's title element: a Fluent message, or the questionnaire's own
 * title from the service (re-picked when the language changes). */
function taskTitle(task, titles) {
  if (task.kind.type === "measure") return el("span", "task-title", `task-measure-${task.kind.measurement}`);
  const title = titles[task.kind.questionnaire];
  if (!title) return el("span", "task-title", "task-questionnaire");
  const span = el("span", "task-title");
  span.dataset.serviceText = JSON.stringify(title);
  span.textContent = pick(title);
  return span;
}

function taskWhen(task) {
  if (task.week) return el("span", "task-due", "task-week", { done: task.week.done, count: task.week.count });
  return el("span", "task-due", "task-due", { time: task.due_local });
}

async function renderToday() {
  const status = await invoke("service_status");
  if (status.mode === "revoked") return renderRevoked(status);
  const view = await invoke("today");
  document.getElementById("demo-banner").hidden = status.mode !== "demo";
  const section = el("section", "screen screen--today");
  const heading = el("h1", null, "today-heading");
  heading.id = "screen-heading";
  section.append(heading);
  if (!view) {
    section.append(el("p", "empty", "today-no-plan"));
    return section;
  }
  section.append(view.patient_name
    ? el("p", "greeting", "today-greeting", { name: view.patient_name })
    : el("p", "greeting", "today-greeting-plain"));
  section.append(el("h2", null, "today-tasks-heading"));
  if (view.tasks.length === 0) {
    section.append(el("p", "empty", "today-empty"));
  } else {
    const list = el("ul", "tasks");
    for (const task of view.tasks) {
      const item = el("li", `task task--${task.state}`);
      item.dataset.activity = task.activity_id;
      item.dataset.state = task.state;
      const mark = el("span", "task-mark");
      mark.textContent = STATE_MARK[task.state];
      mark.setAttribute("aria-hidden", "true");
      const body = el("div", "task-body");
      body.append(
        taskWhen(task),
        taskTitle(task, view.questionnaire_titles),
        el("span", "task-state", `task-state-${task.state}`, task.done_local ? { time: task.done_local } : undefined),
      );
      item.append(mark, body);
      list.append(item);
    }
    section.append(list);
  }
  if (view.latest.length > 0) section.append(renderLatest(view));
  section.append(el("p", "service", "today-service", { name: view.service.name, phone: view.service.phone }));
  return section;
}

const UNITS = { "mm[Hg]": "mmHg", Cel: "°C", "[degF]": "°F", "[lb_av]": "lb", "%": "%", kg: "kg", "/min": "/min", "mmol/L": "mmol/L", "mg/dL": "mg/dL" };

/** "73,450 kg" in Norwegian, "73.450 kg" in English. */
function formatValue(value, unit) {
  const number = localeTag() === "en" ? value : value.replace(".", ",");
  return `${number} ${UNITS[unit] || unit}`;
}

/** The latest readings with their colour — in words and a sign, never colour alone. */
function renderLatest(view) {
  const box = el("section", "latest");
  box.id = "latest";
  box.append(el("h2", null, "today-latest-heading"));
  const list = el("ul", "results");
  for (const r of view.latest) {
    const colour = r.judgement.result === "judged" ? r.judgement.colour : "not-judged";
    const item = el("li", `result result--${colour}`);
    item.dataset.colour = colour;
    const sign = el("span", "result-sign");
    sign.textContent = { green: "●", yellow: "▲", red: "■", "not-judged": "○" }[colour];
    sign.setAttribute("aria-hidden", "true");
    const body = el("div", "result-body");
    const what = el("span", "result-kind", `measurement-${r.kind}`);
    const value = el("span", "result-value");
    value.dataset.values = JSON.stringify(r.values);
    value.textContent = r.values.map(([, v, u]) => formatValue(v, u)).join(" / ");
    body.append(what, value, el("span", "result-colour", `colour-${colour}`), el("span", "task-due", "task-due", { time: r.at_local }));
    if (r.entered_by === "relative") body.append(el("span", "result-by", "latest-by-relative"));
    // Whether the service has it: only with a real service (the demo sends nothing).
    if (!view.demo) {
      const sent = r.sent === null ? "training" : r.sent ? "sent" : "waiting";
      const mark = el("span", `result-sent result-sent--${sent}`, `latest-sent-${sent}`);
      mark.dataset.sent = sent;
      body.append(mark);
    }
    if (r.advice) {
      const advice = el("p", "result-advice");
      advice.dataset.serviceText = JSON.stringify(r.advice);
      advice.textContent = pick(r.advice);
      body.append(advice);
    }
    for (const call of r.calls) {
      body.append(call === "service"
        ? el("p", "result-call", "latest-call-service", { phone: view.service.phone })
        : el("p", "result-call", "latest-call-113"));
    }
    item.append(sign, body);
    list.append(item);
  }
  box.append(list);
  return box;
}

async function renderDevices() {
  const section = el("section", "screen screen--devices");
  const heading = el("h1", null, "devices-heading");
  heading.id = "screen-heading";
  const status = el("div", "bluetooth-status");
  status.id = "bluetooth-status";
  section.append(heading, status);
  const show = async () => {
    const bt = await invoke("bluetooth_status");
    status.dataset.state = bt.state;
    if (bt.state === "checking") {
      status.replaceChildren(el("p", null, "bluetooth-checking"));
      setTimeout(() => { if (section.isConnected) show().catch(showError); }, 500);
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
  return section;
}

/** A big radio button with its label: `<label class="choice"><input id="{name}-{value}"><span>`. */
function radioChoice(name, value, checked, messageId, onChange) {
  const label = el("label", "choice");
  const input = document.createElement("input");
  input.type = "radio";
  input.name = name;
  input.value = value;
  input.id = `${name}-${value}`;
  input.checked = checked;
  input.addEventListener("change", onChange);
  label.append(input, el("span", null, messageId));
  return label;
}

async function renderSettings() {
  const section = el("section", "screen screen--settings");
  const heading = el("h1", null, "settings-heading");
  heading.id = "screen-heading";
  const fieldset = el("fieldset", "choices");
  fieldset.append(el("legend", null, "settings-language"));
  for (const tag of LANGUAGES) {
    const label = radioChoice("language", tag, settings.locale === tag, `language-${tag}`, () => changeLanguage(tag));
    // Each language name is said in its own language.
    label.lastChild.lang = tag;
    fieldset.append(label);
  }
  section.append(heading, fieldset, renderDisplayChoices());
  const service = el("section", "service-section");
  service.append(el("h2", null, "service-heading"), renderServiceStatus(await invoke("service_status")));
  section.append(service, renderEnrolment());
  watchServiceStatus();
  return section;
}

const TEXT_SIZES = ["normal", "large", "largest"];

/** Text size (three steps) and high contrast, applied at once and saved. */
function renderDisplayChoices() {
  const box = el("div", "display-choices");
  const sizes = el("fieldset", "choices");
  sizes.append(el("legend", null, "settings-text-size"));
  for (const size of TEXT_SIZES) {
    const label = radioChoice("text-size", size, settings.text_size === size, `settings-text-size-${size}`, () => changeDisplay({ text_size: size }));
    label.lastChild.classList.add("text-size-sample", `text-size-sample--${size}`);
    sizes.append(label);
  }
  const contrast = el("label", "choice");
  const checkbox = document.createElement("input");
  checkbox.type = "checkbox";
  checkbox.id = "high-contrast";
  checkbox.checked = settings.high_contrast;
  checkbox.addEventListener("change", () => changeDisplay({ high_contrast: checkbox.checked }));
  contrast.append(checkbox, el("span", null, "settings-high-contrast"));
  box.append(sizes, contrast);
  return box;
}

function applyDisplay() {
  document.body.classList.toggle("high-contrast", settings.high_contrast);
  document.body.dataset.textSize = settings.text_size;
  document.documentElement.dataset.textSize = settings.text_size;
}

async function changeDisplay(change) {
  try {
    const next = { text_size: settings.text_size, high_contrast: settings.high_contrast, ...change };
    settings = await invoke("set_display", { textSize: next.text_size, highContrast: next.high_contrast });
    applyDisplay();
    announce(t("settings-display-saved"));
  } catch (error) {
    showError(error);
  }
}

async function changeLanguage(tag) {
  try {
    settings = await invoke("set_locale", { tag });
    await loadLocale(settings.locale);
    for (const span of document.querySelectorAll("[data-service-text]")) {
      span.textContent = pick(JSON.parse(span.dataset.serviceText));
    }
    for (const span of document.querySelectorAll("[data-values]")) {
      span.textContent = JSON.parse(span.dataset.values).map(([, v, u]) => formatValue(v, u)).join(" / ");
    }
    announce(t("settings-language-saved"));
  } catch (error) {
    showError(error);
  }
}

/** The service no longer accepts this tablet: say so plainly, keep the data. */
function renderRevoked(status) {
  const section = el("section", "screen screen--revoked");
  section.id = "revoked";
  const heading = el("h1", null, "revoked-heading");
  heading.id = "screen-heading";
  section.append(heading, el("p", "revoked-text", "revoked-text"), el("p", "revoked-kept", "revoked-kept"));
  if (status.phone) section.append(el("p", "result-call", "latest-call-service", { phone: status.phone }));
  return section;
}

/** The connection with the follow-up service: sent / waiting, a progress
 * bar while a large upload runs, and the last problem in words. */
function renderServiceStatus(status) {
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
    const bar = document.createElement("progress");
    bar.id = "sync-progress";
    bar.max = status.progress.total;
    bar.value = status.progress.done;
    label.append(bar);
    box.append(label);
  }
  if (status.last_error) {
    const problem = el("p", "service-problem");
    problem.textContent = errorText({ code: status.last_error });
    box.append(problem);
  }
  if (status.mode === "enrolled") {
    const button = el("button", "button", "service-send-now");
    button.type = "button";
    button.id = "sync-now";
    button.addEventListener("click", async () => {
      await invoke("sync_now");
      announce(t("service-send-now-started"));
    });
    box.append(button);
  }
  return box;
}

/** Enrolment, as the nurse does it at the start-up visit: an activation
 * code (typed, or a QR code's text), or logging in at the service. */
function renderEnrolment() {
  const box = el("section", "enrolment");
  box.append(el("h2", null, "enrol-heading"));
  const form = document.createElement("form");
  form.id = "enrol-code-form";
  const label = el("label", "field", "enrol-code-label");
  label.htmlFor = "enrol-code";
  const input = document.createElement("input");
  input.id = "enrol-code";
  input.autocomplete = "off";
  input.setAttribute("autocapitalize", "characters");
  input.spellcheck = false;
  const submit = el("button", "button", "enrol-code-submit");
  submit.type = "submit";
  form.append(label, input, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      await invoke("enrol_with_code", { code: input.value });
      document.getElementById("notices").replaceChildren();
      announce(t("enrol-done"));
      await route();
    } catch (error) {
      showError(error);
    } finally {
      submit.disabled = false;
    }
  });
  const login = document.createElement("form");
  login.id = "enrol-login-form";
  const urlLabel = el("label", "field", "enrol-login-label");
  urlLabel.htmlFor = "enrol-url";
  const url = document.createElement("input");
  url.id = "enrol-url";
  url.type = "url";
  url.autocomplete = "off";
  const go = el("button", "button", "enrol-login-submit");
  go.type = "submit";
  login.append(urlLabel, url, go);
  login.addEventListener("submit", async (event) => {
    event.preventDefault();
    go.disabled = true;
    announce(t("enrol-login-waiting"));
    try {
      await invoke("enrol_with_login", { fhirBase: url.value });
      announce(t("enrol-done"));
      await route();
    } catch (error) {
      showError(error);
    } finally {
      go.disabled = false;
    }
  });
  box.append(form, login);
  return box;
}

let statusTimer = null;

/** Keeps the status block current while the settings screen is open. */
function watchServiceStatus() {
  clearInterval(statusTimer);
  statusTimer = setInterval(async () => {
    const old = document.getElementById("service-status");
    if (!old) {
      clearInterval(statusTimer);
      return;
    }
    try {
      const status = await invoke("service_status");
      const text = JSON.stringify(status);
      // Replace only on a change, so keyboard focus stays put.
      if (old.dataset.status === text) return;
      const fresh = renderServiceStatus(status);
      fresh.dataset.status = text;
      const focused = document.activeElement && document.activeElement.id;
      old.replaceWith(fresh);
      if (focused && fresh.querySelector(`#${focused}`)) document.getElementById(focused).focus();
    } catch (error) {
      console.error(error);
    }
  }, 1000);
}

const SCREENS = { today: renderToday, devices: renderDevices, settings: renderSettings };

async function route() {
  const name = (location.hash.replace(/^#\/?/, "") || "today").split("/")[0];
  const render = SCREENS[name] || SCREENS.today;
  for (const link of document.querySelectorAll("nav a")) {
    if (link.dataset.route === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  try {
    const screen = await render();
    main.replaceChildren(screen);
    main.dataset.screen = name;
  } catch (error) {
    showError(error);
  }
}

async function start() {
  try {
    const view = await invoke("settings");
    settings = view.settings;
    applyDisplay();
    await loadLocale(settings.locale);
    for (const notice of view.notices) showError(notice);
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
  document.body.dataset.ready = "true";
}

start();
