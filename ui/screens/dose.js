// A dose of the plan's medicine, from today's task: the medicine and its
// dosage as the plan gives them, the planned time, and one big "I have
// taken it". The core checks that it is one of today's planned doses and
// keeps it once; the task is then done (in training: kept as practice,
// never sent, the task stays).

import { invoke } from "../ipc.js";
import { showText } from "../i18n.js";
import { formatClock } from "../format.js";
import { el, heading, button, linkButton, announce, showError } from "../dom.js";

/** "Notert: tatt klokka 08:34". */
function takenNote(at) {
  const note = el("p", "notice dose-taken", "dose-taken-at", { time: formatClock(at) });
  note.id = "dose-taken";
  note.setAttribute("role", "status");
  return note;
}

export async function renderDose(params) {
  const [medicine, due] = params;
  const view = await invoke("today");
  const section = el("section", "screen screen--dose");
  section.id = "dose";
  const task = view && view.tasks.find((x) => x.kind.type === "dose" && x.kind.medicine === medicine && x.due === due);
  const m = view && view.medicines[medicine];
  if (!task || !m) {
    section.append(heading("dose-heading-plain"), el("p", "notice", "dose-not-planned"), linkButton("dose-to-today", "#/today"));
    return section;
  }
  const name = showText(el("p", "dose-name"), m.name);
  const lines = el("ul", "dose-lines");
  for (const line of m.dosage) {
    lines.append(showText(el("li"), line));
  }
  section.append(heading("dose-heading", { time: task.due_local }), name, lines);
  if (task.state === "done") {
    section.append(el("p", "notice dose-taken", "dose-taken-at", { time: task.done_local }));
  } else {
    const take = button("dose-take", async () => {
      try {
        const taken = await invoke("take_dose", { medicine, due });
        const note = takenNote(taken.taken);
        take.replaceWith(note);
        announce(note.textContent);
      } catch (error) {
        showError(error);
      }
    }, "button button--big");
    take.id = "dose-take";
    if (task.state === "missed") section.append(el("p", "dose-late", "dose-late", { time: task.due_local }));
    section.append(take);
  }
  const back = linkButton("dose-to-today", "#/today");
  back.id = "dose-to-today";
  section.append(back);
  return section;
}
