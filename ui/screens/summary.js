// Sammendrag: a printable copy of the plan (contacts, medicines, what to
// do and the limits) and of the readings of the last three months, for
// the patient to keep — also when the follow-up has ended.

import { invoke } from "../ipc.js";
import { showText, t } from "../i18n.js";
import { el, heading, button, SIGN } from "../dom.js";
import { formatMoment, formatValue } from "../format.js";
import { activityText, medicineItem, timingText } from "./help.js";

const DAYS = 92;

function readings(history) {
  const box = el("section", "summary-kind");
  box.dataset.kind = history.kind;
  box.append(el("h3", null, `measurement-${history.kind}`),
    el("p", "summary-count", "summary-count", { count: history.points.length }));
  if (history.points.length === 0) return box;
  const table = el("table", "summary-table");
  for (const p of history.points) {
    const row = document.createElement("tr");
    const when = document.createElement("td");
    when.textContent = formatMoment(p.at);
    const value = document.createElement("td");
    value.textContent = p.values.map((x) => formatValue(x.value, x.unit)).join(" / ");
    const colour = document.createElement("td");
    const c = p.colour || "not-judged";
    colour.textContent = `${SIGN[c] || ""} ${t(`colour-${c}`)}`;
    row.append(when, value, colour);
    table.append(row);
  }
  box.append(table);
  return box;
}

export async function renderSummary() {
  const view = await invoke("plan");
  const section = el("section", "screen screen--summary");
  section.id = "summary";
  section.append(heading("summary-heading"), button("summary-print", () => window.print(), "button button--secondary no-print"));
  if (!view) return section;
  const { plan, questionnaire_titles: titles } = view;
  if (plan.title) {
    const p = showText(el("p", "plan-title"), plan.title);
    section.append(p);
  }
  section.append(el("p", "service", "today-service", { name: plan.service.name, phone: plan.service.phone }));
  if (plan.medicines.length > 0) {
    const ul = el("ul", "medicines");
    for (const m of plan.medicines) ul.append(medicineItem(m));
    section.append(el("h2", null, "plan-medicines-heading"), ul);
  }
  const todo = el("ul", "summary-activities");
  for (const a of plan.activities) {
    const li = el("li");
    li.textContent = `${activityText(a.kind, titles)}: ${timingText(a.timing)}`;
    todo.append(li);
  }
  section.append(el("h2", null, "plan-heading"), todo, el("h2", null, "summary-readings-heading"));
  const kinds = plan.activities.filter((a) => a.kind.type === "measure").map((a) => a.kind.measurement);
  for (const kind of [...new Set(kinds)]) section.append(readings(await invoke("history", { kind, days: DAYS })));
  return section;
}
