// I dag: the phase (trial, paused; an ended follow-up has its own screen
// with the copy of the patient's data), a plan the app could not read, what
// changed in the plan (once), the red results the service has not seen
// and the yellow ones still open, today's appointments, today's tasks with their state (each one
// opens its screen; a scheduled dose its dose screen),
// "Jeg føler meg dårligere" and the when-needed activities, the latest
// reading of each kind with its colour in words and a sign, whether the
// service has it and whether a nurse has seen it. Also the revoked, recovery
// and goodbye screens.

import { invoke } from "../ipc.js";
import { noteLanguage, pick, t, showText } from "../i18n.js";
import { formatDate, formatMoment } from "../format.js";
import { el, heading, button, linkButton, announce, colourOf } from "../dom.js";
import { listen, redraw } from "../shell.js";
import { cardFrame, resultCard } from "./measure.js";
import { activityText, callLink, hasCalls, timingText, whomNow } from "./help.js";
import { APPOINTMENT_CHANGES, todaysAppointments } from "./appointments.js";
import { readAloudButton } from "../read_aloud.js";

const STATE_MARK = { "to-do": "○", done: "✓", missed: "!" };

/** The task's title element: a Fluent message, or the questionnaire's own
 * title from the service (re-picked when the language changes). */
function taskTitle(task, titles, medicines = {}) {
  if (task.kind.type === "measure") return el("span", "task-title", `task-measure-${task.kind.measurement}`);
  if (task.kind.type === "photo") return noteLanguage(el("span", "task-title", "task-photo", { title: pick(task.kind.title) }), task.kind.title);
  if (task.kind.type === "dose") {
    const m = medicines[task.kind.medicine];
    const title = el("span", "task-title", m ? "task-dose" : "task-dose-plain", { name: m ? pick(m.name) : "" });
    return m ? noteLanguage(title, m.name) : title;
  }
  const title = titles[task.kind.questionnaire];
  if (!title) return el("span", "task-title", "task-questionnaire");
  const span = el("span", "task-title");
  showText(span, title);
  return span;
}

/** A missed dose is not "do it now": whether to take it late is the
 * service's to say. */
function stateMessage(task) {
  return task.kind.type === "dose" && task.state === "missed" ? "task-state-missed-dose" : `task-state-${task.state}`;
}

function taskWhen(task) {
  if (task.week) return el("span", "task-due", "task-week", { done: task.week.done, count: task.week.count });
  return el("span", "task-due", "task-due", { time: task.due_local });
}

function kindHref(kind, activityId) {
  if (kind.type === "photo") return `#/photo/${encodeURIComponent(activityId)}`;
  return kind.type === "measure" ? `#/measure/${kind.measurement}` : `#/questionnaire/${encodeURIComponent(kind.questionnaire)}`;
}

function taskHref(task) {
  if (task.kind.type === "dose") return `#/dose/${encodeURIComponent(task.kind.medicine)}/${encodeURIComponent(task.due)}`;
  return kindHref(task.kind, task.activity_id);
}

/** "Jeg føler meg dårligere": one tap to the plan's when-needed symptom
 * questionnaire (or measurement), judged like any other. */
function feelWorse(kind) {
  const link = el("a", "button button--big button--warn feel-worse", "today-feel-worse");
  link.id = "feel-worse";
  link.href = kindHref(kind);
  return link;
}

/** What the plan says to do when needed, under its own heading. */
function whenNeeded(items, titles) {
  const box = el("section", "when-needed");
  box.id = "when-needed";
  box.append(el("h2", null, "today-when-needed-heading"));
  const list = el("ul", "tasks");
  for (const item of items) {
    const li = el("li", "task task--when-needed");
    li.dataset.activity = item.activity_id;
    const link = el("a", "task-link");
    link.href = kindHref(item.kind, item.activity_id);
    const body = el("span", "task-body");
    body.append(taskTitle(item, titles));
    link.append(body);
    li.append(link);
    list.append(li);
  }
  box.append(list);
  return box;
}

/** The service no longer accepts this tablet: say so plainly, keep the data. */
export function renderRevoked(status) {
  const section = el("section", "screen screen--revoked");
  section.id = "revoked";
  section.append(heading("revoked-heading"), el("p", "revoked-text", "revoked-text"), el("p", "revoked-kept", "revoked-kept"));
  if (status.phone) section.append(el("p", "result-call", "latest-call-service", { phone: status.phone }));
  return section;
}

/** The database's key is lost: nothing is deleted, the nurse can help. */
export function renderRecovery() {
  const section = el("section", "screen screen--recovery");
  section.id = "recovery";
  const nurse = el("a", "button button--secondary", "recovery-nurse");
  nurse.href = "#/nurse";
  nurse.id = "recovery-nurse";
  section.append(heading("recovery-heading"), el("p", "recovery-text", "recovery-text"), el("p", null, "recovery-kept"), nurse);
  // The plan cannot be read now: the national numbers, for what cannot wait.
  const help = el("div", "call-now recovery-calls");
  help.id = "recovery-calls";
  help.append(el("p", null, "recovery-call-intro"),
    callLink("recovery-call-legevakt", undefined, "116 117", "result-call result-call--out-of-hours"),
    callLink("latest-call-113", undefined, "113", "result-call result-call--113"));
  section.append(help);
  return section;
}

/** The follow-up has ended on this tablet: a plain goodbye, and what to
 * do with the devices. */
export function renderGoodbye() {
  const section = el("section", "screen screen--goodbye");
  section.id = "goodbye";
  section.append(
    heading("goodbye-heading"),
    el("p", "goodbye-text", "goodbye-text"),
    el("p", "goodbye-devices", "goodbye-devices"),
    el("p", null, "goodbye-tablet"),
  );
  return section;
}

/** The phase with its dates: in follow-up since, the trial period, a pause. */
function phaseNotice(phase) {
  if (phase.phase === "trial") {
    return el("p", "notice phase phase--trial", phase.until ? "phase-trial" : "phase-trial-open",
      { from: formatDate(phase.from), until: phase.until ? formatDate(phase.until) : "" });
  }
  if (phase.phase === "active") {
    return el("p", "phase phase--active", "phase-active", { since: formatDate(phase.since) });
  }
  if (phase.phase === "paused") {
    return el("p", "notice phase phase--paused", phase.since ? "phase-paused" : "phase-paused-open",
      { since: phase.since ? formatDate(phase.since) : "" });
  }
  return null;
}

/** One change of the plan in plain words. */
function changeText(change, titles) {
  const what = change.kind ? activityText(change.kind, titles) : "";
  const when = change.timing ? timingText(change.timing) : "";
  return t(`plan-change-${change.change}`, { what, when, name: change.name ? pick(change.name) : "" });
}

/** "Planen din er endret": what changed, until the patient says they have read it. */
function planChanged(changed, titles) {
  const box = el("section", "plan-changed");
  box.id = "plan-changed";
  box.setAttribute("role", "status");
  box.append(el("h2", null, "plan-changed-heading"));
  const ul = el("ul", "plan-changes");
  for (const change of changed.changes) {
    const li = el("li", "plan-change");
    li.dataset.change = change.change;
    li.textContent = changeText(change, titles);
    ul.append(li);
  }
  const ok = button("plan-changed-ok", async () => {
    await invoke("plan_change_seen", { version: changed.version });
    box.remove();
  }, "button button--secondary");
  ok.id = "plan-changed-ok";
  box.append(ul, ok);
  return box;
}

/** The service has ended the follow-up: what to do with the devices, and a
 * copy of the patient's own data (a printable summary, the FHIR file). */
function renderEnded(phase) {
  const section = el("section", "screen screen--ended");
  section.id = "ended";
  const saved = el("p", "notice", null);
  saved.id = "export-saved";
  saved.hidden = true;
  const summary = linkButton("ended-summary", "#/summary");
  summary.id = "ended-summary";
  const save = button("ended-export", async () => {
    const path = await invoke("save_export");
    saved.hidden = false;
    saved.textContent = t("export-saved", { path });
    announce(saved.textContent);
  }, "button button--secondary");
  save.id = "ended-export";
  section.append(
    heading("ended-heading"),
    el("p", "ended-text", phase.on ? "ended-text" : "ended-text-open", { date: phase.on ? formatDate(phase.on) : "" }),
    el("p", "ended-devices", "ended-devices"),
    el("p", null, "ended-copy"),
    summary,
    save,
    saved,
  );
  return section;
}

/** "Den nye planen kunne ikke leses": the old plan still holds; call. */
function planRefused(status, hasPlan) {
  const box = el("section", "notice notice--warn plan-refused");
  box.id = "plan-refused";
  box.setAttribute("role", "status");
  box.append(el("h2", null, "plan-refused-heading"), el("p", null, hasPlan ? "plan-refused-text" : "plan-refused-text-first"));
  if (status.phone) box.append(callLink("plan-refused-call", { phone: status.phone }, status.phone));
  return box;
}

/** An answered questionnaire as a card: its title, colour, score, the
 * answers that set the colour, the advice and whom to call. */
function answersCard(r, phone) {
  const colour = colourOf(r.judgement);
  const [item, body] = cardFrame(colour, "li");
  const title = el("span", "result-kind");
  showText(title, r.title);
  body.append(title, el("span", "result-colour", `colour-${colour}`));
  if (r.score !== null) body.append(el("span", "result-score", "questionnaire-score", { score: r.score }));
  for (const question of r.flagged) {
    body.append(noteLanguage(el("p", "result-cause result-cause--answer", "result-cause-answer", { question: pick(question) }), question));
  }
  if (r.advice) {
    const advice = el("p", "result-advice");
    showText(advice, r.advice);
    body.append(advice);
  }
  if (hasCalls(r.help.whom)) body.append(whomNow(r.help.whom, { phone }));
  return item;
}

/** "Trenger oppmerksomhet": every yellow and red result not dealt with
 * yet, from any day (the core decides which and in what order), each with
 * its advice and whom to call. A red stays until the service has seen it;
 * a yellow until then or until the patient says she has read the advice. */
function openResults(open, view) {
  const box = el("section", "open-results");
  box.id = "open-results";
  box.append(el("h2", null, "today-open-heading"));
  const list = el("ul", "results");
  for (const o of open) {
    const card = o.item === "reading"
      ? resultCard(o, view.service.phone, view.demo, { tag: "li" })
      : answersCard(o, view.service.phone);
    card.classList.add("open-result");
    card.dataset.item = o.item;
    card.dataset.id = o.id;
    const body = card.querySelector(".result-body");
    // The day too: it may be from an earlier one.
    card.querySelector(".task-due")?.remove();
    body.prepend(el("span", "result-when", "open-when", { when: formatMoment(o.at) }));
    if (card.dataset.colour === "red") {
      body.append(el("p", "open-until", "open-red-until-seen"));
    } else {
      const read = button("open-read", async () => {
        await invoke("mark_result_read", { item: { item: o.item, id: o.id } });
      }, "button button--secondary open-read");
      read.id = `open-read-${o.item}-${o.id}`;
      body.append(read);
    }
    list.append(card);
  }
  box.append(list);
  return box;
}

/** A new follow-up: the patient is asked to read the privacy notice
 * (until they say they have). */
function privacyAsk() {
  const box = el("div", "notice privacy-ask");
  box.id = "privacy-ask";
  const open = linkButton("privacy-ask-open", "#/privacy");
  open.id = "privacy-ask-open";
  box.append(el("p", null, "privacy-ask"), open);
  return box;
}

/** What makes the today screen draw itself afresh. */
const TODAY_CHANGES = new Set(["recorded", "photo-kept", "result-read", "acknowledged", "plan-changed", "plan-refused", "sync", "training", ...APPOINTMENT_CHANGES]);

export async function renderToday(params, status) {
  return listen(await drawToday(params, status), {
    changed: (change) => { if (TODAY_CHANGES.has(change.change)) return redraw(); },
  });
}

async function drawToday(_params, status) {
  if (status.mode === "ended") return renderGoodbye();
  if (status.mode === "recovery") return renderRecovery();
  if (status.mode === "revoked") return renderRevoked(status);
  const view = await invoke("today");
  if (view && view.phase.phase === "ended") return renderEnded(view.phase);
  const section = el("section", "screen screen--today");
  section.append(heading("today-heading"), readAloudButton());
  if (!view) {
    if (status.plan_refused) section.append(planRefused(status, false));
    section.append(el("p", "empty", "today-no-plan"));
    // A start-up visit or call may come before the first plan.
    const appointments = await invoke("appointments").catch(() => null);
    if (appointments) section.append(todaysAppointments(appointments.upcoming.filter((c) => c.today)));
    return section;
  }
  section.append(view.patient_name
    ? el("p", "greeting", "today-greeting", { name: view.patient_name })
    : el("p", "greeting", "today-greeting-plain"));
  const phase = phaseNotice(view.phase);
  if (phase) section.append(phase);
  if (status.privacy_unread) section.append(privacyAsk());
  if (status.plan_refused) section.append(planRefused(status, true));
  if (view.plan_changed) section.append(planChanged(view.plan_changed, view.questionnaire_titles));
  if (view.open.length > 0) section.append(openResults(view.open, view));
  section.append(todaysAppointments(view.appointments));
  if (view.feel_worse) section.append(feelWorse(view.feel_worse));
  const tasksHeading = el("h2", null, "today-tasks-heading");
  tasksHeading.id = "tasks-heading";
  section.append(tasksHeading);
  if (view.tasks.length === 0) {
    section.append(el("p", "empty", "today-empty"));
  } else {
    const list = el("ul", "tasks");
    list.id = "tasks";
    for (const task of view.tasks) {
      const item = el("li", `task task--${task.state}`);
      item.dataset.activity = task.activity_id;
      item.dataset.state = task.state;
      const link = el("a", "task-link");
      link.href = taskHref(task);
      const mark = el("span", "task-mark");
      mark.textContent = STATE_MARK[task.state];
      mark.setAttribute("aria-hidden", "true");
      const body = el("span", "task-body");
      body.append(
        taskWhen(task),
        taskTitle(task, view.questionnaire_titles, view.medicines),
        ...(task.after_medicine ? [el("span", "task-after", "task-after-medicine", { name: task.after_medicine })] : []),
        el("span", "task-state", stateMessage(task), task.done_local ? { time: task.done_local } : undefined),
      );
      link.append(mark, body);
      item.append(link);
      list.append(item);
    }
    section.append(list);
  }
  if (view.when_needed.length > 0) section.append(whenNeeded(view.when_needed, view.questionnaire_titles));
  if (view.latest.length > 0) {
    const box = el("section", "latest");
    box.id = "latest";
    box.append(el("h2", null, "today-latest-heading"));
    const list = el("ul", "results");
    for (const r of view.latest) list.append(resultCard(r, view.service.phone, view.demo, { tag: "li" }));
    box.append(list);
    section.append(box);
  }
  section.append(el("p", "service", "today-service", { name: view.service.name, phone: view.service.phone }));
  return section;
}
