// What the plan gives beside the colour, shared by the result, plan and
// today screens: whom to call now (113 first where the plan says so, the
// service while it is open, the legevakt when it is closed), the
// medicines for a colour, what the service does next, links to learning
// material, the material's own blocks (built from text nodes only: the
// service's words never become HTML), and the opening hours.

import { invoke } from "../ipc.js";
import { markLanguage, noteLanguage, pick, shownIn, showText, t } from "../i18n.js";
import { button, colourOf, el } from "../dom.js";
import { formatClock, formatMomentDay, formatValue, formatWeekday } from "../format.js";

/** A `tel:` link around a message, so a tap on a tablet with a phone app calls. */
export function callLink(id, args, phone, className = "result-call") {
  const a = el("a", className, id, args);
  a.href = `tel:${String(phone).replace(/[^+0-9]/g, "")}`;
  return a;
}

/** "mandag 1. desember kl. 08:00" from a local `YYYY-MM-DDTHH:MM:SS`. */
export function whenLocal(civil) {
  const [date, time] = String(civil).split("T");
  return t("when-day-at", { day: formatWeekday(date), time: time.slice(0, 5) });
}

/** Whom to call now, in order, and when the service opens again; nothing
 * when the plan asks for no call. */
export function hasCalls(whom) {
  return whom.now.length > 0 || whom.service_closed;
}

/** Whom to call now, in order, and when the service opens again. */
export function whomNow(whom, { phone = "", emergencyAlways = false } = {}) {
  const box = el("div", "call-now");
  box.dataset.serviceClosed = String(whom.service_closed);
  for (const callee of whom.now) {
    if (callee.whom === "emergency113") box.append(callLink("latest-call-113", undefined, "113", "result-call result-call--113"));
    else if (callee.whom === "service") box.append(callLink("call-now-service", { name: callee.name, phone: callee.phone }, callee.phone));
    else box.append(callLink("call-now-out-of-hours", { name: callee.name, phone: callee.phone }, callee.phone, "result-call result-call--out-of-hours"));
  }
  if (whom.holiday) box.append(el("p", "call-holiday", "call-now-holiday"));
  if (whom.hours_unknown) box.append(el("p", "call-hours-unknown", "call-now-hours-unknown"));
  if (whom.service_closed && !whom.now.some((c) => c.whom === "out-of-hours")) {
    box.append(el("p", "call-closed", "call-now-closed", { phone }));
  }
  if (whom.opens) box.append(el("p", "call-opens", "call-now-opens", { when: whenLocal(whom.opens) }));
  if (emergencyAlways && !whom.now.some((c) => c.whom === "emergency113")) box.append(el("p", "call-emergency", "call-now-emergency"));
  return box;
}

/** What set a result's colour, in words: the value and its side of the
 * limits, the change over days, or the answer; as the core judged it. */
export function causeLine(cause, values) {
  const what = t(`manual-field-${cause.code}`);
  let line = null;
  if (cause.rule === "trend") {
    line = el("p", "result-cause", `result-cause-trend-${cause.direction === "below" ? "below" : "above"}`,
      { what, change: formatValue(cause.change, cause.unit), days: Number(cause.days) });
  } else if (cause.rule === "band") {
    const value = values.find((x) => x.code === cause.code);
    if (!value) return null;
    const id = cause.direction ? `result-cause-${cause.direction}` : "result-cause";
    line = el("p", "result-cause", id, { what, value: formatValue(value.value, value.unit) });
  }
  if (line) {
    line.dataset.code = cause.code;
    line.dataset.rule = cause.rule;
    if (cause.direction) line.dataset.direction = cause.direction;
  }
  return line;
}

/** When the service answers messages and calls, and that it is not for
 * what is urgent: open or closed now, when it opens, or that the plan does
 * not say (the hours themselves are in Min plan); 113 and the legevakt for
 * what cannot wait. `view` is the plan view (null before any plan). */
export function serviceAnswers(view) {
  const box = el("div", "service-answers");
  box.id = "service-answers";
  box.append(el("p", "not-urgent", "service-not-for-urgent"));
  if (view) {
    const whom = view.call_now;
    const hours = view.plan.service.hours;
    if (!hours) box.append(el("p", "service-hours-unknown", "call-now-hours-unknown"));
    else if (whom.service_closed) {
      box.append(el("p", "service-closed", whom.holiday ? "call-now-holiday" : "service-closed-now"));
      if (whom.opens) box.append(el("p", "call-opens", "call-now-opens", { when: whenLocal(whom.opens) }));
    } else box.append(el("p", "service-open", "service-open-now"));
    const route = view.plan.service.out_of_hours;
    box.append(callLink("service-urgent-out-of-hours", { name: route.name, phone: route.phone }, route.phone, "result-call result-call--out-of-hours"));
  }
  box.append(callLink("latest-call-113", undefined, "113", "result-call result-call--113"));
  return box;
}

/** One medicine: its name and how to take it. */
export function medicineItem(m) {
  const li = el("li", "medicine");
  li.append(showText(el("span", "medicine-name"), m.name));
  for (const line of m.dosage) li.append(showText(el("span", "medicine-dosage"), line));
  // A dose schedule: when, as a task of the day reminds of it.
  if (m.schedule) li.append(el("span", "medicine-schedule", ...timingMessage(m.schedule)));
  return li;
}

/** A link to a piece of learning material. */
export function materialLink(m) {
  const a = noteLanguage(el("a", "button button--secondary material-link", "help-material", { title: pick(m.title) }), m.title);
  a.href = `#/material/${encodeURIComponent(m.id)}`;
  a.dataset.material = m.id;
  return a;
}

/** When a medicine was noted taken, in the app's language. */
function takenNote(taken) {
  const noted = el("p", "medicine-taken", "medicine-taken-at", { time: formatClock(taken.taken) });
  noted.setAttribute("role", "status");
  // The check the plan asks after it ("mål igjen i morgen").
  if (!taken.check) return noted;
  const box = el("div", "medicine-taken-box");
  const due = taken.check.due;
  const day = formatMomentDay(due);
  box.append(noted, el("p", "medicine-check", "medicine-check-due", { when: t("when-day-at", { day, time: formatClock(due) }) }));
  return box;
}

/** A colour's medicine with "I have taken this now" for this result
 * (`result.item`): kept and sent to the service; once noted, the button
 * gives way to when, also when the result is shown again. */
function takenItem(m, result) {
  const li = medicineItem(m);
  const done = result.taken.find((x) => x.medicine === m.id);
  if (done) {
    li.append(takenNote(done));
    return li;
  }
  const take = button("medicine-take", async (b) => {
    b.disabled = true;
    try {
      const taken = await invoke("take_colour_medicine", { item: result.item, medicine: m.id });
      b.replaceWith(takenNote(taken));
    } finally {
      b.disabled = false;
    }
  }, "button button--secondary medicine-take");
  take.dataset.medicine = m.id;
  li.append(take);
  return li;
}

/** Medicines for the colour, what happens next, material — after the
 * advice. With `result` ({ item, taken }), a colour's medicine can be
 * noted as taken for that result. */
export function helpBlock(help, colour, result = null) {
  const box = el("div", "help");
  if (help.medicines.length > 0) {
    const meds = el("section", "help-medicines");
    meds.append(el("h2", null, `help-medicines-${colour}`));
    const ul = el("ul", "medicines");
    for (const m of help.medicines) ul.append(result && m.colour ? takenItem(m, result) : medicineItem(m));
    meds.append(ul);
    box.append(meds);
  }
  for (const m of help.material) box.append(materialLink(m));
  if (help.next) {
    const next = el("section", "help-next");
    next.id = "help-next";
    const p = el("p");
    showText(p, help.next);
    next.append(el("h2", null, "help-next-heading"), p);
    box.append(next);
  }
  return box;
}

function spans(list, tag = "span") {
  const out = el(tag);
  for (const s of list) {
    const node = s.strong ? el("strong") : s.emphasis ? el("em") : null;
    if (node) {
      node.textContent = s.text;
      out.append(node);
    } else {
      out.append(document.createTextNode(s.text));
    }
  }
  return out;
}

/** Material blocks as elements: headings one level under `top`. */
/** A service's text in blocks (`{nb: blocks, …}`), in the patient's
 * language or the nearest, marked as `showText` marks. */
export function showBlocks(text, top = 1) {
  const [language, blocks] = shownIn(text);
  return markLanguage(renderBlocks(blocks || [], top), language, { first: true });
}

export function renderBlocks(blocks, top = 1) {
  const box = el("div", "material-text");
  for (const b of blocks) {
    if (b.type === "heading") {
      const h = spans(b.spans, `h${Math.min(6, top + b.level - 1)}`);
      box.append(h);
    } else if (b.type === "paragraph") {
      box.append(spans(b.spans, "p"));
    } else if (b.type === "list") {
      const list = el(b.ordered ? "ol" : "ul");
      for (const item of b.items) list.append(spans(item, "li"));
      box.append(list);
    }
  }
  return box;
}

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** "mandag–fredag" for a run of days, else the days listed. */
function daysText(days) {
  const idx = days.map((d) => DAYS.indexOf(d)).sort((a, b) => a - b);
  const run = idx.length > 2 && idx.every((d, i) => i === 0 || d === idx[i - 1] + 1);
  if (run) return `${t(`weekday-${DAYS[idx[0]]}`)}–${t(`weekday-${DAYS[idx[idx.length - 1]]}`)}`;
  return idx.map((d) => t(`weekday-${DAYS[d]}`)).join(", ");
}

/** The service's opening hours and closures. */
export function hoursList(hours) {
  const ul = el("ul", "hours");
  ul.id = "hours";
  for (const slot of hours.open) {
    const days = daysText(slot.days);
    ul.append(slot.from || slot.until
      ? el("li", null, "plan-hours-slot", { days, from: String(slot.from || "00:00").slice(0, 5), until: String(slot.until || "24:00").slice(0, 5) })
      : el("li", null, "plan-hours-all-day", { days }));
  }
  for (const c of hours.closed) ul.append(noteLanguage(el("li", "hours-closed", "plan-closed", { description: pick(c.description) }), c.description));
  return ul;
}

function hhmm(time) {
  return String(time).slice(0, 5);
}

/** An activity's timing as a message id and its arguments. */
export function timingMessage(tm) {
  switch (tm.type) {
    case "daily-at": return ["plan-timing-daily", { times: tm.times.map(hhmm).join(", ") }];
    case "weekly-at": return ["plan-timing-weekly", {
      days: tm.days.map((d) => t(`weekday-${d}`)).join(", "),
      times: tm.times.map(hhmm).join(", "),
    }];
    case "times-per-week": return ["plan-timing-per-week", { count: tm.count }];
    default: return ["plan-timing-when-needed", {}];
  }
}

/** An activity's timing in words ("Hver dag klokka 08:00"). */
export function timingText(tm) {
  return t(...timingMessage(tm));
}

/** What an activity asks, in words: a task text or the questionnaire's title. */
export function activityText(kind, titles) {
  if (kind.type === "measure") return t(`task-measure-${kind.measurement}`);
  if (kind.type === "dose") return t("task-dose-plain");
  if (kind.type === "photo") return t("task-photo", { title: pick(kind.title) });
  const title = titles[kind.questionnaire];
  return title ? pick(title) : t("task-questionnaire");
}

/** "Jeg har lest rådet" under a yellow result of `item` ("reading" or
 * "answers"): pressed, the result leaves the today screen and the patient
 * goes there (a red stays until the service has seen it; practice never
 * waits there). `null` where there is none. */
export function readButton(r, item, id) {
  if (colourOf(r.judgement) !== "yellow" || r.entered_by === "nurse-training") return null;
  const read = button("open-read", async () => {
    await invoke("mark_result_read", { item: { item, id: r.id } });
    location.hash = "#/today";
  }, "button button--big");
  read.id = id;
  return read;
}
