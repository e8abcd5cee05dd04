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
  const view = await invoke("today");
  document.getElementById("demo-banner").hidden = !view.demo;
  const section = el("section", "screen screen--today");
  const heading = el("h1", null, "today-heading");
  heading.id = "screen-heading";
  section.append(heading, el("p", "greeting", "today-greeting", { name: view.patient_name }));
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
  await route();
  document.body.dataset.ready = "true";
}

start();
