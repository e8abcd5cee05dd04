// Avtaler: the appointments the service booked (a video call, a home
// visit, another meeting) as cards — when, with whom, the service's own
// words, and for a video call one big "Bli med" at its time (the core
// says when; joining opens the call screen). The today screen shows
// today's cards; this screen those to come and those of the last weeks.
// The core tells when appointments change and when a video call can be
// joined or has ended; the screen draws itself afresh then.

import { invoke } from "../ipc.js";
import { el, heading, button, linkButton, showError } from "../dom.js";
import { listen, redraw } from "../shell.js";
import { whenLocal } from "./help.js";

/** What makes a screen with appointment cards draw itself afresh. */
export const APPOINTMENT_CHANGES = ["appointments", "missed"];

/** A text from the service, as it is. */
function serviceText(className, text) {
  const p = el("p", className);
  p.textContent = text;
  return p;
}

/** One appointment as a card. */
export function appointmentCard(card, tag = "li") {
  const item = el(tag, `appointment appointment--${card.kind} appointment--${card.status}`);
  item.id = `appointment-${card.id}`;
  item.dataset.kind = card.kind;
  item.dataset.status = card.status;
  item.append(el("h3", "appointment-kind", `appointment-kind-${card.kind}`));
  item.append(card.today
    ? el("p", "appointment-when", "appointment-when-today", { start: card.start_local, end: card.end_local })
    : el("p", "appointment-when", "appointment-when", { when: whenLocal(card.starts_local), end: card.end_local }));
  if (card.status === "cancelled") item.append(el("p", "notice appointment-cancelled", "appointment-cancelled"));
  if (card.with.length > 0) item.append(el("p", "appointment-with", "appointment-with", { names: card.with.join(", ") }));
  if (card.description) item.append(serviceText("appointment-description", card.description));
  if (card.instruction && card.status === "booked" && !card.now) {
    item.append(el("p", "appointment-instruction-label", "appointment-instruction"),
      serviceText("appointment-instruction", card.instruction));
  }
  if (card.can_join) {
    const join = button("appointment-join", async () => {
      join.disabled = true;
      try {
        await invoke("appointment_join", { id: card.id });
        location.hash = "#/call";
      } catch (error) {
        join.disabled = false;
        showError(error);
      }
    }, "button button--big appointment-join");
    join.id = `appointment-join-${card.id}`;
    item.append(join);
  } else if (card.join_from_local) {
    item.append(el("p", "appointment-join-from", "appointment-join-from", { time: card.join_from_local }));
  }
  return item;
}

function cards(list) {
  const ul = el("ul", "appointments");
  for (const card of list) ul.append(appointmentCard(card));
  return ul;
}

/** Today's appointments (a video call joined from its card), and the way
 * to all of them: on the today screen, with or without a plan. */
export function todaysAppointments(list) {
  const box = el("section", "today-appointments");
  box.id = "today-appointments";
  if (list.length > 0) {
    box.append(el("h2", null, "today-appointments-heading"));
    const ul = el("ul", "appointments");
    for (const card of list) ul.append(appointmentCard(card));
    box.append(ul);
  }
  const all = linkButton("today-appointments-all", "#/appointments");
  all.id = "appointments-all";
  box.append(all);
  return box;
}

export async function renderAppointments(params, status) {
  return listen(await drawAppointments(params, status), {
    changed: (change) => { if (APPOINTMENT_CHANGES.includes(change.change)) return redraw(); },
  });
}

async function drawAppointments() {
  const section = el("section", "screen screen--appointments");
  section.id = "appointments";
  section.append(heading("appointments-heading"));
  const list = await invoke("appointments");
  if (list.upcoming.length === 0) {
    section.append(el("p", "empty", "appointments-none"));
  } else {
    const upcoming = cards(list.upcoming);
    upcoming.id = "appointments-upcoming";
    section.append(upcoming);
  }
  if (list.earlier.length > 0) {
    const earlier = cards(list.earlier);
    earlier.id = "appointments-earlier";
    section.append(el("h2", null, "appointments-earlier-heading"), earlier);
  }
  const back = linkButton("appointments-to-today", "#/today");
  back.id = "appointments-to-today";
  section.append(back);
  return section;
}
