// Videosamtale: call the follow-up service, or answer when it calls. The
// call itself runs in the core (WebKitGTK has no WebRTC); the core tells
// this screen each change of the call, and sends the nurse's picture and
// the self view as JPEG bytes over a channel,
// and has three big controls: mute, camera, hang up. Plain messages say
// when there is no camera or microphone, or the network is too poor.

import { invoke } from "../ipc.js";
import { hasMessage, setMessage, t } from "../i18n.js";
import { el, button, heading, showError, announce } from "../dom.js";
import { serviceAnswers } from "./help.js";
import { listen } from "../shell.js";

/** The message for how a call ended (or why it was not made): its own
 * words where the locale has them, else the general ones. */
function endedMessage(code) {
  return hasMessage(`call-ended-${code}`) ? `call-ended-${code}` : "call-ended-failed";
}

/** An image whose alt text is a message (the pictures come later). */
function picture(id, messageId, width, height) {
  const img = document.createElement("img");
  img.id = id;
  img.className = id;
  img.dataset.l10nAttr = "alt";
  setMessage(img, messageId);
  img.width = width;
  img.height = height;
  return img;
}

export async function renderCall(_params, status) {
  const section = el("section", "screen screen--call");
  section.append(heading("call-heading"));
  const body = el("div", "call-body");
  section.append(body);
  let shown = null; // the phase the body shows
  let frames = { remote: 0, own: 0 };
  let controls = null;
  // When the service answers a call; shown while no call is on.
  const answers = status.mode === "recovery" ? null : serviceAnswers(await invoke("plan").catch(() => null));

  function idle(view) {
    const parts = [];
    if (view.ended) {
      const ended = el("p", "call-ended", endedMessage(view.ended));
      ended.id = "call-ended";
      ended.dataset.reason = view.ended;
      parts.push(ended);
    }
    if (!view.available) {
      parts.push(el("p", "call-unavailable", "call-not-available"));
    } else {
      if (view.demo) parts.push(el("p", "call-demo-note", "call-demo-note"));
      const start = button("call-start", async () => {
        await invoke("call_start");
        tick();
      }, "button button--big call-start");
      start.id = "call-start";
      parts.push(start);
    }
    if (status.phone) parts.push(el("p", "call-phone", "call-phone", { phone: status.phone }));
    if (answers) parts.push(answers);
    return parts;
  }

  function calling() {
    const p = el("p", "call-calling", "call-calling");
    p.id = "call-calling";
    const cancel = button("call-cancel", async () => { await invoke("call_hang_up"); tick(); }, "button button--big button--secondary");
    cancel.id = "call-cancel";
    return [p, cancel];
  }

  function incoming() {
    const p = el("p", "call-incoming", "call-incoming");
    p.id = "call-incoming";
    const answer = button("call-answer", async () => { await invoke("call_answer"); tick(); }, "button button--big call-answer");
    answer.id = "call-answer";
    const decline = button("call-decline", async () => { await invoke("call_hang_up"); tick(); }, "button button--big button--secondary");
    decline.id = "call-decline";
    return [p, answer, decline];
  }

  function inCall(view) {
    const stage = el("div", "call-stage");
    const remote = picture("call-remote", "call-remote-picture", 640, 480);
    const own = picture("call-self", "call-self-picture", 160, 120);
    own.hidden = true;
    stage.append(remote, own);
    const state = el("p", "call-state", view.phase === "connected" ? "call-connected" : "call-connecting");
    state.id = "call-state";
    const problems = el("div", "call-problems");
    problems.id = "call-problems";
    const row = el("div", "call-controls");
    const mute = button("call-mute", async () => {
      await invoke("call_set_muted", { muted: mute.getAttribute("aria-pressed") !== "true" });
      tick();
    }, "button button--big button--secondary");
    mute.id = "call-mute";
    const camera = button("call-camera-off", async () => {
      await invoke("call_set_camera", { on: camera.getAttribute("aria-pressed") === "true" });
      tick();
    }, "button button--big button--secondary");
    camera.id = "call-camera";
    const hang = button("call-hang-up", async () => { await invoke("call_hang_up"); tick(); }, "button button--big call-hang-up");
    hang.id = "call-hang-up";
    row.append(mute, camera, hang);
    controls = { remote, own, state, problems, mute, camera };
    // The buttons stand beside the picture (under it on a narrow screen),
    // so hang-up never needs scrolling.
    const media = el("div", "call-media");
    media.append(stage, row);
    return [state, problems, media];
  }

  function update(view) {
    if (!controls) return;
    setMessage(controls.state, view.phase === "connected" ? "call-connected" : "call-connecting");
    controls.mute.setAttribute("aria-pressed", String(view.muted));
    setMessage(controls.mute, view.muted ? "call-unmute" : "call-mute");
    controls.camera.setAttribute("aria-pressed", String(!view.camera_on));
    setMessage(controls.camera, view.camera_on ? "call-camera-off" : "call-camera-on");
    controls.camera.disabled = view.camera_missing;
    controls.mute.disabled = view.microphone_missing;
    const wanted = [];
    if (view.camera_missing) wanted.push("call-no-camera");
    if (view.microphone_missing) wanted.push("call-no-microphone");
    if (view.poor_network) wanted.push("call-poor-network");
    const have = [...controls.problems.children].map((p) => p.dataset.problem).join();
    if (have !== wanted.join()) {
      controls.problems.replaceChildren(...wanted.map((id) => {
        const p = el("p", "call-problem", id);
        p.dataset.problem = id;
        return p;
      }));
      if (wanted.length) announce(wanted.map((id) => t(id)).join(" "));
    }
  }

  /** The pictures, as the core sends them over a channel (JPEG bytes
   * after one byte: 0 the other side, 1 the self view). */
  let cameraOn = true;
  const urls = [null, null];
  function picturesCome() {
    const channel = new window.__TAURI__.core.Channel();
    channel.onmessage = (data) => {
      if (!controls) return;
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : Uint8Array.from(data);
      const whose = bytes[0];
      const img = whose === 0 ? controls.remote : controls.own;
      if (!img.isConnected) return;
      const url = URL.createObjectURL(new Blob([bytes.subarray(1)], { type: "image/jpeg" }));
      img.src = url;
      if (urls[whose]) URL.revokeObjectURL(urls[whose]);
      urls[whose] = url;
      if (whose === 0) {
        frames.remote += 1;
        img.dataset.frame = String(frames.remote);
      } else {
        img.hidden = !cameraOn;
      }
    };
    invoke("call_pictures", { channel }).catch(showError);
  }

  /** Draws the call as the core says it is now. */
  function show(view) {
    const group = view.phase === "connecting" || view.phase === "connected" ? "active" : view.phase;
    if (group !== shown) {
      controls = null;
      frames = { remote: 0, own: 0 };
      const parts = group === "active" ? inCall(view) : group === "calling" ? calling() : group === "incoming" ? incoming() : idle(view);
      body.replaceChildren(...parts);
      section.dataset.phase = group;
      if (shown !== null) {
        const first = body.querySelector("button");
        if (first) first.focus({ preventScroll: true });
      }
      shown = group;
      if (group === "active" && section.isConnected) picturesCome();
    }
    section.dataset.state = view.phase;
    cameraOn = view.camera_on;
    if (controls && !view.camera_on) controls.own.hidden = true;
    update(view);
  }

  /** Asks the core how the call is (at the start, and after a tap). */
  async function tick() {
    try {
      show(await invoke("call_status"));
    } catch (error) {
      showError(error);
    }
  }

  await tick();
  // Then the core tells each change of the call; the pictures come only
  // to the screen on show.
  return listen(section, {
    changed: (change) => { if (change.change === "call") show(change.screen); },
    shown: () => { if (shown === "active") picturesCome(); },
  });
}
