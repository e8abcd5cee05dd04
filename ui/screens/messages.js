// Meldinger: the conversation with the follow-up service, newest last, with
// each own message's state (sent or waiting), a box to write a new one and
// the way to the video call. Opening the screen marks replies as read.

import { invoke } from "../ipc.js";
import { t } from "../i18n.js";
import { formatMoment } from "../format.js";
import { el, heading, linkButton, showError, clearErrors, announce } from "../dom.js";
import { listen, refreshChrome } from "../shell.js";
import { takenBy } from "./measure.js";
import { serviceAnswers } from "./help.js";
import { readAloudButton } from "../read_aloud.js";

function thread(messages, demo) {
  const list = el("ol", "messages");
  list.id = "message-list";
  for (const m of messages) {
    const item = el("li", `message message--${m.direction}`);
    item.dataset.direction = m.direction;
    const from = { relative: "message-from-relative", "nurse-training": "message-from-training" }[m.entered_by] || "message-from-me";
    const who = el("p", "message-who", m.direction === "to-service" ? from : "message-from-service");
    const body = el("p", "message-body");
    body.textContent = m.body;
    const meta = el("p", "message-meta");
    meta.textContent = formatMoment(m.sent);
    item.append(who, body, meta);
    if (m.direction === "to-service" && !demo && m.delivered !== null) {
      item.append(el("p", "result-sent", m.delivered ? "latest-sent-sent" : "latest-sent-waiting"));
    }
    if (m.direction === "from-service" && !m.read) item.append(el("p", "message-new", "message-new"));
    list.append(item);
  }
  return list;
}

export async function renderMessages(_params, status) {
  const demo = status.mode === "demo";
  const section = el("section", "screen screen--messages");
  section.append(heading("messages-heading"), readAloudButton());
  const call = linkButton("call-open", "#/call");
  call.id = "call-open";
  call.classList.add("button--big", "call-open");
  // Not for what is urgent, and when the service answers.
  section.append(call, serviceAnswers(await invoke("plan").catch(() => null)));
  let messages = await invoke("messages");
  const area = el("div", "message-area");
  area.append(messages.length ? thread(messages, demo) : el("p", "empty", "messages-empty"));
  const form = document.createElement("form");
  form.id = "message-form";
  const label = el("label", "field", "message-write");
  label.htmlFor = "message-text";
  const text = document.createElement("textarea");
  text.id = "message-text";
  text.rows = 4;
  text.maxLength = 2000;
  const send = el("button", "button button--big", "message-send");
  send.type = "submit";
  form.append(takenBy(status, "messages-taken-by"), label, text, send);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors();
    send.disabled = true;
    try {
      messages = await invoke("send_message", { text: text.value });
      text.value = "";
      area.replaceChildren(thread(messages, demo));
      announce(t("message-sent"));
    } catch (error) {
      showError(error);
    } finally {
      send.disabled = false;
    }
  });
  async function refreshThread() {
    try {
      const fresh = await invoke("messages");
      area.replaceChildren(thread(fresh, demo));
      await invoke("mark_messages_read");
      await refreshChrome();
    } catch (error) {
      showError(error);
    }
  }
  section.append(area, form);
  // A reply shows as it comes (the draft in the box stays as it is).
  if (status.unread > 0) {
    await invoke("mark_messages_read");
    refreshChrome().catch(showError);
  }
  return listen(section, { changed: (change) => { if (["messages", "missed"].includes(change.change)) return refreshThread(); } });
}
