// Mål and Resultat: choose what to measure, who is measuring, take the
// reading with the device (the screen says "measure now" and shows that
// it is working) or type it in (with plain words for a typo), then the
// result: the colour, the value that caused it, the plan's advice, and
// whom to call.

import { invoke } from "../ipc.js";
import { formFor, listen, redraw } from "../shell.js";
import { pick, t, showText } from "../i18n.js";
import { el, heading, button, linkButton, radioChoice, showError, clearErrors, announce, SIGN, colourOf } from "../dom.js";
import { formatValue } from "../format.js";
import { causeLine, hasCalls, helpBlock, readButton, whomNow } from "./help.js";
import { readAloudButton } from "../read_aloud.js";


/** One reading with its colour in words and a sign (never colour alone),
 * who took it, whether the service has it and whether a nurse saw it;
 * whom to call, unless the screen says it first (`withCalls: false`). */
export function resultCard(r, phone, demo, { tag = "div", withCalls = true } = {}) {
  const colour = colourOf(r.judgement);
  const [item, body] = cardFrame(colour, tag);
  const value = el("span", "result-value");
  value.dataset.values = JSON.stringify(r.values);
  value.textContent = r.values.map((x) => formatValue(x.value, x.unit)).join(" / ");
  body.append(el("span", "result-kind", `measurement-${r.kind}`), value, el("span", "result-colour", `colour-${colour}`),
    el("span", "task-due", "task-due", { time: r.at_local }));
  if (r.meal) body.append(el("span", "result-meal", `meal-${r.meal}`));
  if (r.entered_by === "relative") {
    body.append(r.relative_name
      ? el("span", "result-by", "latest-by-named", { name: r.relative_name })
      : el("span", "result-by", "latest-by-relative"));
  }
  if (r.entered_by === "nurse-training") body.append(el("span", "result-by", "latest-training"));
  // Whether the service has it: only with a real service (the demo sends nothing).
  if (!demo && r.entered_by !== "nurse-training") {
    const sent = r.sent ? "sent" : "waiting";
    const mark = el("span", `result-sent result-sent--${sent}`, `latest-sent-${sent}`);
    mark.dataset.sent = sent;
    body.append(mark);
  }
  if (r.seen_local) body.append(el("span", "result-seen", "latest-seen", { time: r.seen_local }));
  if (r.advice) {
    const advice = el("p", "result-advice");
    showText(advice, r.advice);
    body.append(advice);
  }
  if (withCalls && hasCalls(r.help.whom)) body.append(whomNow(r.help.whom, { phone }));
  return item;
}

/** A result card's frame in its colour: the sign, and the body to fill. */
export function cardFrame(colour, tag = "div") {
  const item = el(tag, `result result--${colour}`);
  item.dataset.colour = colour;
  const sign = el("span", "result-sign");
  sign.textContent = SIGN[colour];
  sign.setAttribute("aria-hidden", "true");
  const body = el("div", "result-body");
  item.append(sign, body);
  return [item, body];
}

/** Patient or relative: the record says who did it ("Hvem måler?",
 * "Hvem svarer?", "Hvem skriver?" by `legend`). The relatives the plan's
 * care team names are offered by name; the core keeps the choice. */
export function takenBy(status, legend = "measure-taken-by") {
  const box = el("fieldset", "choices taken-by");
  box.append(el("legend", null, legend));
  if (status.training) {
    box.append(el("p", "notice notice--warn", "training-note"));
    return box;
  }
  const choose = (by, relative) => async () => {
    try {
      await invoke("set_taken_by", { takenBy: by, relative });
    } catch (error) {
      showError(error);
    }
  };
  invoke("recorders").then(({ current, relatives }) => {
    const now = current.relative ? `relative:${current.relative}` : current.by;
    box.append(radioChoice("taken-by", "patient", now === "patient", "measure-taken-by-patient", choose("patient", null)));
    for (const r of relatives) {
      const value = `relative:${r.reference}`;
      const choice = radioChoice("taken-by", value.replace(/[^A-Za-z0-9]/g, "-"), now === value, null, choose("relative", r.reference));
      choice.querySelector("span").textContent = r.relationship ? `${r.name} (${r.relationship})` : r.name;
      choice.dataset.relative = r.reference;
      box.append(choice);
    }
    const other = relatives.length > 0 ? "measure-taken-by-other-relative" : "measure-taken-by-relative";
    box.append(radioChoice("taken-by", "relative", now === "relative", other, choose("relative", null)));
  }).catch(showError);
  return box;
}

export async function renderMeasure(params, status) {
  // The device watch looks for devices while the patient measures.
  invoke("measuring").catch(() => {});
  const kind = params[0];
  // Which kinds, and in what order (the plan's first): the core's list.
  const choices = await invoke("measurement_kinds");
  if (kind && choices.some((c) => c.kind === kind)) return renderMeasureKind(kind, status);
  const section = el("section", "screen screen--measure");
  section.append(heading("measure-heading"), takenBy(status), el("h2", null, "measure-choose"));
  const list = el("ul", "big-choices");
  for (const { kind: k, planned } of choices) {
    const li = el("li");
    const a = el("a", "big-choice", `task-measure-${k}`);
    a.href = `#/measure/${k}`;
    a.dataset.kind = k;
    if (planned) a.classList.add("big-choice--planned");
    li.append(a);
    list.append(li);
  }
  section.append(list, linkButton("measure-to-history", "#/history"));
  return section;
}

async function renderMeasureKind(kind, status) {
  const section = el("section", "screen screen--measure");
  section.dataset.kind = kind;
  section.append(heading(`task-measure-${kind}`), takenBy(status));
  const progress = el("div", "measure-progress");
  progress.id = "measure-progress";
  progress.hidden = true;
  const deviceButton = button("measure-with-device", async (b) => {
    clearErrors();
    b.disabled = true;
    progress.hidden = false;
    const bar = document.createElement("progress");
    bar.id = "measure-bar";
    const label = el("p", "measure-now", status.mode === "demo" ? "measure-now-demo" : "measure-now");
    label.id = "measure-now";
    progress.replaceChildren(label, bar);
    announce(t(status.mode === "demo" ? "measure-now-demo" : "measure-now"));
    try {
      const result = await invoke("measure_with_device", { kind });
      location.hash = `#/result/${result.id}`;
    } catch (error) {
      progress.hidden = true;
      showError(error);
    } finally {
      b.disabled = false;
    }
  }, "button button--big");
  const form = await invoke("measure_form", { kind });
  // No Bluetooth profile carries it (peak flow, FEV1): typed only.
  if (form.by_device) {
    section.append(el("p", "measure-hint", "measure-device-hint"), deviceButton, progress);
    section.append(el("h2", null, "measure-manual-heading"));
  } else {
    section.append(el("p", "measure-hint", "measure-typed-hint"));
  }
  section.append(manualForm(kind, status, form));
  return section;
}

function manualForm(kind, status, { fields, meals }) {
  // Training switched meanwhile: the core refuses it, and the form comes
  // back empty, as what it is now (practice values are never sent).
  const opened = formFor(status);
  const form = document.createElement("form");
  form.id = "manual-form";
  form.noValidate = true;
  const inputs = {};
  for (const f of fields) {
    const id = `manual-${f.code}`;
    const label = el("label", "field", `manual-field-${f.code}`);
    label.htmlFor = id;
    const row = el("div", "field-row");
    const input = document.createElement("input");
    input.id = id;
    input.inputMode = f.decimals > 0 ? "decimal" : "numeric";
    input.autocomplete = "off";
    input.dataset.code = f.code;
    input.setAttribute("aria-describedby", `${id}-problem`);
    const unit = el("span", "field-unit");
    unit.textContent = formatValue("", f.unit).trim();
    const problem = el("p", "field-problem");
    problem.id = `${id}-problem`;
    row.append(input, unit);
    form.append(label, row, problem);
    inputs[f.code] = { input, problem, field: f };
  }
  // Blood sugar: when it was taken, in relation to a meal (optional).
  let mealProblem = null;
  if (meals.length > 0) {
    const box = el("fieldset", "choices meal-choices");
    box.id = "manual-meal";
    box.append(el("legend", null, "manual-meal-legend"));
    for (const meal of meals) box.append(radioChoice("manual-meal", meal, false, `meal-${meal}`, () => {}));
    mealProblem = el("p", "field-problem");
    mealProblem.id = "manual-meal-problem";
    form.append(box, mealProblem);
  }
  const submit = el("button", "button button--big", "measure-manual-save");
  submit.type = "submit";
  form.append(submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors();
    for (const { input, problem } of Object.values(inputs)) {
      problem.textContent = "";
      input.removeAttribute("aria-invalid");
    }
    const values = Object.fromEntries(Object.entries(inputs).map(([code, { input }]) => [code, input.value]));
    const meal = form.querySelector("input[name=manual-meal]:checked");
    if (meal) values.meal = meal.value;
    if (mealProblem) mealProblem.textContent = "";
    submit.disabled = true;
    try {
      const outcome = await invoke("enter_reading", { kind, values, formFor: opened });
      if (outcome.outcome === "stored") {
        location.hash = `#/result/${outcome.result.id}`;
        return;
      }
      let first = null;
      for (const p of outcome.problems) {
        if (p.field === "meal" && mealProblem) {
          mealProblem.textContent = t(`manual-${p.code}`);
          continue;
        }
        const target = inputs[p.field];
        if (!target) continue;
        const min = formatValue(p.min, p.unit);
        const max = formatValue(p.max, p.unit);
        const typed = p.typed ? formatValue(p.typed, p.unit) : "";
        target.problem.textContent = t(`manual-${p.code}`, { typed, min, max });
        target.input.setAttribute("aria-invalid", "true");
        first = first || target.input;
      }
      if (first) first.focus();
      announce(t("manual-check"));
    } catch (error) {
      showError(error);
      if (error && error.code === "training-changed") await redraw();
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** Resultat: the colour, what caused it, the advice, whom to call. */
export async function renderResult(params, status) {
  const r = await invoke("reading", { id: Number(params[0]) });
  const section = el("section", "screen screen--result");
  section.id = "result";
  const colour = colourOf(r.judgement);
  section.dataset.colour = colour;
  section.append(heading(`result-heading-${colour}`), readAloudButton());
  // Red first: whom to call comes before anything else.
  const callsFirst = r.help.calls_first;
  if (callsFirst) section.append(el("h2", null, "call-now-heading"), whomNow(r.help.whom, { phone: status.phone }));
  section.append(resultCard(r, status.phone, status.mode === "demo", { withCalls: !callsFirst }));
  if (r.judgement.result === "judged") {
    for (const cause of r.judgement.causes) {
      const line = causeLine(cause, r.values);
      if (line) section.append(line);
    }
  } else {
    section.append(el("p", "result-cause", `result-not-judged-${r.judgement.reason || "no-limits"}`));
  }
  section.append(helpBlock(r.help, colour, { item: { item: "reading", id: r.id }, taken: r.medicines_taken }));
  const read = readButton(r, "reading", "result-read");
  if (read) section.append(read);
  section.append(linkButton("result-to-today", "#/today"), linkButton("result-to-history", `#/history/${r.kind}/7`));
  // The service's "seen" and "sent" show as they come.
  return listen(section, { changed: (change) => { if (["sync", "acknowledged", "missed"].includes(change.change)) return redraw(); } });
}
