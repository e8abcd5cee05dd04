// Min plan: the self-care plan (egenbehandlingsplan) as plain text — whom
// to call now and the care team with the opening hours, the goals, the
// medicines, what to do and when (with how to do it), the patient's own
// limits per colour with the advice, medicines and whom to call for each,
// the learning material — with a print button and the summary.

import { invoke } from "../ipc.js";
import { noteLanguage, pick, showText, t } from "../i18n.js";
import { el, heading, button, linkButton, SIGN } from "../dom.js";
import { formatDate, formatRounded, formatValue } from "../format.js";
import { hoursList, materialLink, medicineItem, showBlocks, timingMessage, whomNow } from "./help.js";
import { readAloudButton } from "../read_aloud.js";

function timing(tm) {
  return el("p", "plan-timing", ...timingMessage(tm));
}

const WORSE = { green: 0, yellow: 1, red: 2 };

/** A band edge as the patient types values, for a band the plan gave in %
 * of the best: rounded inwards to what can be typed (238,875 L/min: 239
 * from, 238 up to), and past a shared edge that a worse band takes (the
 * worse colour wins there: green "from 80 %" of 400 shows 321), so the
 * shown band holds exactly the typed values judged its colour. */
function edge(limit, value, up, all) {
  if (!limit.of_best) return formatValue(value, limit.unit);
  const decimals = limit.unit === "L" ? 2 : 0;
  const f = 10 ** decimals;
  let x = up ? Math.ceil(Number(value) * f - 1e-9) / f : Math.floor(Number(value) * f + 1e-9) / f;
  const takenByWorse = (v) => all.some((l) => l.code === limit.code && WORSE[l.colour] > WORSE[limit.colour]
    && (l.low === null || Number(l.low) <= v + 1e-9) && (l.high === null || v - 1e-9 <= Number(l.high)));
  if (takenByWorse(x)) x += (up ? 1 : -1) / f;
  return formatRounded(x, decimals, limit.unit);
}

function limitText(limit, all = []) {
  const what = t(`manual-field-${limit.code}`);
  const low = limit.low !== null ? edge(limit, limit.low, true, all) : null;
  const high = limit.high !== null ? edge(limit, limit.high, false, all) : null;
  if (low && high) return t("plan-limit-between", { what, low, high });
  if (low) return t("plan-limit-from", { what, low });
  return t("plan-limit-up-to", { what, high });
}

/** The plan's goals, each with its targets ("Vekt: opp til 82 kg, innen
 * 1. mars 2027"). */
function goals(list) {
  const box = el("section", "plan-goals");
  box.id = "plan-goals";
  box.append(el("h2", null, "plan-goals-heading"));
  const ul = el("ul", "goals");
  for (const goal of list) {
    const li = el("li", "goal");
    const text = el("p", "goal-text");
    showText(text, goal.text);
    li.append(text);
    for (const target of goal.targets) {
      if (!target.code || (target.low === null && target.high === null)) continue;
      const p = el("p", "goal-target");
      p.textContent = limitText({ code: target.code, low: target.low, high: target.high, unit: target.unit || "" });
      if (target.due) {
        p.append(" ", el("span", "goal-due", "plan-goal-due", { date: formatDate(target.due) }));
      }
      li.append(p);
    }
    ul.append(li);
  }
  box.append(ul);
  return box;
}

/** Whom to call now, the care team, the opening hours and the out-of-hours route. */
function contacts(plan, callNow) {
  const box = el("section", "plan-contacts");
  box.id = "plan-contacts";
  box.append(el("h2", null, "call-now-heading"), whomNow(callNow, { phone: plan.service.phone, emergencyAlways: true }));
  box.append(el("h2", null, "plan-team-heading"));
  const ul = el("ul", "team");
  ul.id = "team";
  const service = el("li", "team-member");
  service.append(el("span", null, "today-service", { name: plan.service.name, phone: plan.service.phone }));
  ul.append(service);
  for (const m of plan.team) {
    const li = el("li", "team-member");
    const who = el("span", "team-name");
    who.textContent = m.role ? t("plan-team-member", { role: pick(m.role), name: m.name }) : m.name;
    if (m.role) noteLanguage(who, m.role);
    li.append(who);
    if (m.phone) li.append(" ", el("span", "team-phone", "plan-phone", { phone: m.phone }));
    ul.append(li);
  }
  box.append(ul);
  if (plan.service.hours) box.append(el("h3", null, "plan-hours-heading"), hoursList(plan.service.hours));
  box.append(el("p", "out-of-hours", "plan-out-of-hours", plan.service.out_of_hours));
  return box;
}

/** The daily medicines (and a colour's that no activity names); the
 * others are under their activity's colour. */
function medicines(list) {
  const box = el("section", "plan-medicines");
  box.id = "plan-medicines";
  box.append(el("h2", null, "plan-medicines-heading"));
  const ul = el("ul", "medicines");
  for (const m of list) ul.append(medicineItem(m));
  box.append(ul);
  return box;
}

export async function renderPlan() {
  const view = await invoke("plan");
  const section = el("section", "screen screen--plan");
  section.id = "plan";
  section.append(heading("plan-heading"), readAloudButton());
  if (!view) {
    section.append(el("p", "empty", "today-no-plan"));
    return section;
  }
  const { plan, questionnaire_titles: titles, call_now: callNow, colours, medicines: listed } = view;
  if (plan.title) {
    const p = showText(el("p", "plan-title"), plan.title);
    section.append(p);
  }
  if (plan.description) {
    const p = showText(el("p", "plan-description"), plan.description);
    section.append(p);
  }
  section.append(el("p", "plan-version", "plan-version", { version: plan.version }),
    button("plan-print", () => window.print(), "button button--secondary no-print"),
    linkButton("plan-summary", "#/summary"));
  section.append(contacts(plan, callNow));
  if (plan.goals.length > 0) section.append(goals(plan.goals));
  if (listed.length > 0) section.append(medicines(listed));
  for (const a of plan.activities) {
    const card = el("article", "plan-activity");
    card.dataset.activity = a.id;
    let title;
    if (a.kind.type === "measure") {
      title = el("h2", null, `task-measure-${a.kind.measurement}`);
    } else if (a.kind.type === "photo") {
      title = noteLanguage(el("h2", null, "task-photo", { title: pick(a.kind.title) }), a.kind.title);
    } else {
      title = el("h2");
      const text = titles[a.kind.questionnaire];
      if (text) {
        showText(title, text);
      } else {
        title.textContent = t("task-questionnaire");
      }
    }
    card.append(title, timing(a.timing));
    if (a.description) {
      const how = el("details", "plan-how");
      const summary = el("summary", null, "plan-how");
      how.append(summary, showBlocks(a.description, 3));
      card.append(how);
    }
    // Bands the plan gave in % of the patient's best are shown in the
    // reading's own unit; the best they come from is said once.
    const bests = new Map();
    for (const l of (colours[a.id] || []).flatMap((c) => c.limits)) if (l.of_best && !bests.has(l.code)) bests.set(l.code, l);
    for (const l of bests.values()) {
      card.append(el("p", "plan-best", "plan-best",
        { what: t(`manual-field-${l.code}`), value: formatValue(l.of_best.best, l.unit) }));
    }
    for (const c of colours[a.id] || []) {
      const block = el("div", `plan-colour plan-colour--${c.colour}`);
      block.dataset.colour = c.colour;
      if (c.direction) block.dataset.direction = c.direction;
      const h = el("h3");
      const sign = el("span", "result-sign");
      sign.textContent = SIGN[c.colour];
      sign.setAttribute("aria-hidden", "true");
      h.append(sign, " ", el("span", null, `colour-${c.colour}`));
      if (c.direction) h.append(" ", el("span", "plan-side", `plan-side-${c.direction}`));
      block.append(h);
      for (const l of c.limits) {
        const p = el("p", "plan-limit");
        p.textContent = limitText(l, (colours[a.id] || []).flatMap((b) => b.limits));
        block.append(p);
      }
      for (const tr of c.trends) {
        block.append(el("p", "plan-trend", `plan-trend-${tr.direction || "either"}`,
          { what: t(`manual-field-${tr.code}`), change: formatValue(tr.change, tr.unit), days: tr.days }));
      }
      if (c.advice) {
        const p = el("p", "plan-advice");
        showText(p, c.advice);
        block.append(p);
      }
      if (c.medicines.length > 0) {
        const ul = el("ul", "medicines");
        for (const m of c.medicines) ul.append(medicineItem(m));
        block.append(el("h4", null, `help-medicines-${c.colour}`), ul);
      }
      for (const m of c.material) block.append(materialLink(m));
      for (const call of c.calls) {
        block.append(call === "service"
          ? el("p", "result-call", "latest-call-service", { phone: plan.service.phone })
          : el("p", "result-call result-call--113", "latest-call-113"));
      }
      card.append(block);
    }
    section.append(card);
  }
  if (plan.material.length > 0) {
    const box = el("section", "plan-material");
    box.id = "plan-material";
    box.append(el("h2", null, "plan-material-heading"));
    for (const m of plan.material) box.append(materialLink(m));
    section.append(box);
  }
  return section;
}
