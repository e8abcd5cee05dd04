// Spørsmål: one question per screen with big answer buttons, back and
// next, a summary to check before sending, then the result. Which
// questions show (enableWhen) and every check come from the core.

import { invoke } from "../ipc.js";
import { noteLanguage, pick, t, showText } from "../i18n.js";
import { el, heading, button, linkButton, showError, clearErrors, announce, SIGN, colourOf } from "../dom.js";
import { takenBy } from "./measure.js";
import { formFor, redraw } from "../shell.js";
import { hasCalls, helpBlock, readButton, whomNow } from "./help.js";
import { readAloudButton } from "../read_aloud.js";

function serviceText(tag, className, text) {
  const e = el(tag, className);
  showText(e, text);
  return e;
}

/** The answer as the summary shows it. */
function answerText(item, answer) {
  if (!answer) return t("questionnaire-not-answered");
  switch (answer.type) {
    case "boolean": return t(answer.value ? "answer-yes" : "answer-no");
    case "coding": {
      const option = (item.kind.options || []).find((o) => o.code === answer.value.code);
      return option ? pick(option.display) : answer.value.code;
    }
    default: return String(answer.value);
  }
}

function sameAnswer(a, b) {
  return !!a && !!b && JSON.stringify(a) === JSON.stringify(b);
}

export async function renderQuestionnaire(params, status) {
  const id = params[0];
  const q = await invoke("questionnaire", { id });
  const answers = {};
  let index = 0;
  // Training switched meanwhile: the core refuses it, and the questions
  // start again, as what they are now (practice answers are never sent).
  const opened = formFor(status);
  const section = el("section", "screen screen--questionnaire");
  section.id = "questionnaire";
  const title = serviceText("h1", null, q.title);
  title.id = "screen-heading";
  title.tabIndex = -1;
  const body = el("div", "question-area");
  section.append(title, body);
  if (status.training) section.append(el("p", "notice notice--warn", "training-note"));

  const screens = () => invoke("questionnaire_screens", { id, answers });

  async function show() {
    clearErrors();
    const items = await screens();
    if (index >= items.length) return summary(items);
    const item = items[index];
    const box = el("div", "question");
    box.dataset.linkId = item.link_id;
    box.append(el("p", "question-count", "questionnaire-count", { n: index + 1, total: items.length }));
    const text = serviceText("h2", "question-text", item.text);
    text.id = "question-text";
    text.tabIndex = -1;
    box.append(text);
    const choices = el("div", "answer-choices");
    choices.setAttribute("role", "group");
    choices.setAttribute("aria-labelledby", "question-text");
    const pickAnswer = async (answer) => {
      const problem = await invoke("check_answer", { id, linkId: item.link_id, answer });
      if (problem) {
        showError({ code: problem.code });
        return false;
      }
      answers[item.link_id] = answer;
      return true;
    };
    const next = async () => {
      index += 1;
      await show();
    };
    const choiceButton = (messageOrText, answer) => {
      const b = typeof messageOrText === "string" ? el("button", "answer", messageOrText) : serviceText("button", "answer", messageOrText);
      b.type = "button";
      b.setAttribute("aria-pressed", String(sameAnswer(answers[item.link_id], answer)));
      b.addEventListener("click", async () => {
        try {
          if (await pickAnswer(answer)) await next();
        } catch (error) {
          showError(error);
        }
      });
      return b;
    };
    const kind = item.kind.type;
    if (kind === "boolean") {
      choices.append(choiceButton("answer-yes", { type: "boolean", value: true }), choiceButton("answer-no", { type: "boolean", value: false }));
    } else if (kind === "choice") {
      for (const o of item.kind.options) choices.append(choiceButton(o.display, { type: "coding", value: { system: o.system, code: o.code } }));
    } else if (kind === "display") {
      choices.append(button("questionnaire-next", next, "button button--big"));
    } else {
      // Number or text: a field and "next".
      const input = document.createElement(kind === "string" ? "textarea" : "input");
      input.id = "answer-input";
      input.setAttribute("aria-labelledby", "question-text");
      if (kind === "integer" || kind === "decimal") input.inputMode = kind === "integer" ? "numeric" : "decimal";
      const old = answers[item.link_id];
      if (old) input.value = String(old.value);
      const go = button("questionnaire-next", async () => {
        const raw = input.value.trim();
        if (raw === "") {
          if (item.required) return showError({ code: "answer-required" });
          delete answers[item.link_id];
          return next();
        }
        let answer;
        if (kind === "integer") {
          if (!/^-?\d+$/.test(raw)) return showError({ code: "answer-wrong-type" });
          answer = { type: "integer", value: Number(raw) };
        } else if (kind === "decimal") {
          const normal = raw.replace(",", ".");
          if (!/^-?\d+(\.\d+)?$/.test(normal)) return showError({ code: "answer-wrong-type" });
          answer = { type: "decimal", value: normal };
        } else {
          answer = { type: kind === "date" ? "date" : "string", value: raw };
        }
        if (await pickAnswer(answer)) await next();
      }, "button button--big");
      choices.append(input, go);
    }
    const nav = el("div", "question-nav");
    if (index > 0) {
      nav.append(button("questionnaire-back", async () => {
        index -= 1;
        await show();
      }, "button button--secondary"));
    }
    if (!item.required && kind !== "display" && !["integer", "decimal", "string", "date"].includes(kind)) {
      nav.append(button("questionnaire-skip", async () => {
        delete answers[item.link_id];
        await next();
      }, "button button--secondary"));
    }
    box.append(choices, nav);
    body.replaceChildren(box);
    text.focus();
  }

  async function summary(items) {
    const box = el("div", "questionnaire-summary");
    box.id = "questionnaire-summary";
    const h = el("h2", null, "questionnaire-summary");
    h.tabIndex = -1;
    box.append(h);
    const list = el("dl", "summary-list");
    items.forEach((item, i) => {
      if (item.kind.type === "display") return;
      const dt = serviceText("dt", null, item.text);
      const dd = el("dd");
      dd.textContent = answerText(item, answers[item.link_id]);
      const change = button("questionnaire-change", async () => {
        index = i;
        await show();
      }, "button button--secondary button--small");
      dd.append(" ", change);
      list.append(dt, dd);
    });
    box.append(list, takenBy(status, "questionnaire-taken-by"));
    const nav = el("div", "question-nav");
    nav.append(button("questionnaire-back", async () => {
      index = Math.max(0, items.length - 1);
      await show();
    }, "button button--secondary"));
    nav.append(button("questionnaire-send", async (b) => {
      b.disabled = true;
      try {
        const outcome = await invoke("submit_answers", { id, answers, formFor: opened });
        if (outcome.outcome === "refused") {
          const first = outcome.problems[0];
          const at = items.findIndex((i) => i.link_id === first.link_id);
          index = at >= 0 ? at : 0;
          await show();
          showError({ code: first.code });
          return;
        }
        result(outcome.result);
      } catch (error) {
        if (error && error.code !== "training-changed") throw error;
        showError(error);
        await redraw();
      } finally {
        b.disabled = false;
      }
    }, "button button--big"));
    box.append(nav);
    body.replaceChildren(box);
    h.focus();
  }

  function result(r) {
    const colour = colourOf(r.judgement);
    const box = el("div", `result result--${colour} questionnaire-result`);
    box.id = "questionnaire-result";
    box.dataset.colour = colour;
    const sign = el("span", "result-sign");
    sign.textContent = SIGN[colour];
    sign.setAttribute("aria-hidden", "true");
    const inner = el("div", "result-body");
    const h = el("h2", null, "questionnaire-sent");
    h.tabIndex = -1;
    inner.append(h, el("span", "result-colour", `colour-${colour}`));
    if (r.score !== null) inner.append(el("span", "result-score", "questionnaire-score", { score: r.score }));
    for (const question of r.flagged) {
      inner.append(noteLanguage(el("p", "result-cause result-cause--answer", "result-cause-answer", { question: pick(question) }), question));
    }
    if (r.advice) inner.append(serviceText("p", "result-advice", r.advice));
    const first = r.help.calls_first
      ? [el("h2", null, "call-now-heading"), whomNow(r.help.whom, { phone: status.phone })]
      : [];
    if (!r.help.calls_first && hasCalls(r.help.whom)) inner.append(whomNow(r.help.whom, { phone: status.phone }));
    if (r.entered_by === "nurse-training") inner.append(el("span", "result-by", "latest-training"));
    box.append(sign, inner);
    const read = readButton(r, "answers", "questionnaire-read");
    body.replaceChildren(readAloudButton(), ...first, box, helpBlock(r.help, colour, { item: { item: "answers", id: r.id }, taken: r.medicines_taken }), ...(read ? [read] : []), linkButton("result-to-today", "#/today"));
    announce(t("questionnaire-sent"));
    h.focus();
  }

  try {
    await show();
  } catch (error) {
    showError(error);
  }
  return section;
}
