// I dag: the phase (trial, paused; an ended follow-up has its own screen
// with the copy of the patient's data), what changed in the plan (once),
// today's tasks with their state (each one opens its screen), the
// latest reading of each kind with its colour in words and a sign,
// whether the service has it and whether a nurse has seen it.

import { invoke } from "../ipc.js";
import { pick, t } from "../i18n.js";
import { el, heading, button, linkButton, announce } from "../dom.js";
import { resultCard } from "./measure.js";
import { activityText, callLink, dateLocal, timingText } from "./help.js";

const STATE_MARK = { "to-do": "○", done: "✓", missed: "!" };

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

function kindHref(kind) {
  return kind.type === "measure" ? `#/measure/${kind.measurement}` : `#/questionnaire/${encodeURIComponent(kind.questionnaire)}`;
}

function taskHref(task) {
  return kindHref(task.kind);
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
    link.href = kindHref(item.kind);
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
      { from: dateLocal(phase.from), until: phase.until ? dateLocal(phase.until) : "" });
  }
  if (phase.phase === "active") {
    return el("p", "phase phase--active", "phase-active", { since: dateLocal(phase.since) });
  }
  if (phase.phase === "paused") {
    return el("p", "notice phase phase--paused", phase.since ? "phase-paused" : "phase-paused-open",
      { since: phase.since ? dateLocal(phase.since) : "" });
  }
  return null;
}

/** One change of the plan in plain words. */
function changeText(change, titles) {
  const what = change.kind ? activityText(change.kind, titles) : "";
  const when = change.timing ? timingText(change.timing) : "";
  return t(`plan-change-${change.change}`, { what, when, name: change.name || "" });
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
    el("p", "ended-text", phase.on ? "ended-text" : "ended-text-open", { date: phase.on ? dateLocal(phase.on) : "" }),
    el("p", "ended-devices", "ended-devices"),
    el("p", null, "ended-copy"),
    summary,
    save,
    saved,
  );
  return section;
}

export async function renderToday(_params, status) {
  if (status.mode === "ended") return renderGoodbye();
  if (status.mode === "recovery") return renderRecovery();
  if (status.mode === "revoked") return renderRevoked(status);
  const view = await invoke("today");
  if (view && view.phase.phase === "ended") return renderEnded(view.phase);
  const section = el("section", "screen screen--today");
  section.append(heading("today-heading"));
  if (!view) {
    section.append(el("p", "empty", "today-no-plan"));
    return section;
  }
  section.append(view.patient_name
    ? el("p", "greeting", "today-greeting", { name: view.patient_name })
    : el("p", "greeting", "today-greeting-plain"));
  const phase = phaseNotice(view.phase);
  if (phase) section.append(phase);
  if (view.plan_changed) section.append(planChanged(view.plan_changed, view.questionnaire_titles));
  if (view.feel_worse) section.append(feelWorse(view.feel_worse));
  section.append(el("h2", null, "today-tasks-heading"));
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
        taskTitle(task, view.questionnaire_titles),
        el("span", "task-state", `task-state-${task.state}`, task.done_local ? { time: task.done_local } : undefined),
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
