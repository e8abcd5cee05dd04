// The nurse's screen at the start-up visit, behind the nurse code: connect
// the tablet to the follow-up service (a typed code, the QR code read by
// the tablet's own camera, or logging in), pair the devices with a step-by-step
// guide, and training mode (øvingsmodus), in which everything recorded is
// marked as training, shown with a banner, and never sent or counted. At
// the end: "Avslutt oppfølgingen", which sends what waits (or, on the
// nurse's explicit word, gives it up) and wipes the tablet.

import { invoke } from "../ipc.js";
import { setMessage, t } from "../i18n.js";
import { formatDate } from "../format.js";
import { el, heading, button, clearErrors, announce, deviceItem, fieldForm, showError } from "../dom.js";
import { listen, redraw, refreshChrome, route } from "../shell.js";
import { pairedList, renderServiceStatus, serviceStatusWatch } from "./settings.js";

function lockScreen(status) {
  const section = el("section", "screen screen--nurse");
  section.id = "nurse-lock";
  const form = fieldForm({
    formId: "nurse-code-form",
    inputId: "nurse-code",
    labelId: "nurse-code-label",
    submitId: "nurse-code-submit",
    type: "password",
    inputMode: "numeric",
    submitClass: "button button--big",
    onSubmit: async (code, input) => {
      input.value = "";
      await invoke("nurse_unlock", { code });
      clearErrors();
      await route();
    },
  });
  if (status.demo_nurse_code) form.append(el("p", "hint", "nurse-demo-code", { code: status.demo_nurse_code }));
  section.append(heading("nurse-heading"), el("p", null, "nurse-intro"), form);
  return section;
}

/** Connecting the tablet: an activation code, or logging in at the service.
 * The service found is shown by the name this tablet trusts it under, with
 * its host, and the nurse confirms before anything is kept. */
function enrolment() {
  const box = el("section", "enrolment");
  box.id = "enrolment";
  const confirm = el("div", "enrol-confirm");
  confirm.id = "enrol-confirm";
  confirm.hidden = true;
  const done = async (service) => {
    clearErrors();
    confirm.replaceChildren();
    const question = el("p", "enrol-confirm-question", "enrol-confirm-question", { name: service.service_name, host: service.host });
    question.id = "enrol-confirm-question";
    // Whom the service names, so the nurse knows it is this patient's record.
    const born = service.patient_birth_date
      ? formatDate(service.patient_birth_date)
      : null;
    const patient = !service.patient_name
      ? el("p", "enrol-confirm-patient notice notice--warn", "enrol-confirm-patient-unknown")
      : born
        ? el("p", "enrol-confirm-patient", "enrol-confirm-patient", { name: service.patient_name, born })
        : el("p", "enrol-confirm-patient", "enrol-confirm-patient-no-birth", { name: service.patient_name });
    patient.id = "enrol-confirm-patient";
    const yes = button("enrol-confirm-yes", async () => {
      try {
        await invoke("confirm_enrolment", { ticket: service.ticket });
      } catch (error) {
        // Nothing was kept (another came in meanwhile): the question goes.
        confirm.hidden = true;
        confirm.replaceChildren();
        throw error;
      }
      clearErrors();
      announce(t("enrol-done"));
      await route();
    }, "button button--big");
    yes.id = "enrol-confirm-yes";
    const no = button("enrol-confirm-no", async () => {
      await invoke("cancel_enrolment");
      confirm.hidden = true;
      confirm.replaceChildren();
      announce(t("enrol-cancelled"));
    });
    no.id = "enrol-confirm-no";
    confirm.append(question, patient, yes, no);
    confirm.hidden = false;
    announce(`${t("enrol-confirm-question", { name: service.service_name, host: service.host })} ${patient.textContent}`);
    yes.focus();
  };
  const code = fieldForm({
    formId: "enrol-code-form",
    inputId: "enrol-code",
    labelId: "enrol-code-label",
    submitId: "enrol-code-submit",
    onSubmit: async (value) => {
      await done(await invoke("enrol_with_code", { code: value }));
    },
  });
  const codeInput = code.querySelector("input");
  codeInput.setAttribute("autocapitalize", "characters");
  codeInput.spellcheck = false;
  // A heima-enrol: link opened the app (a QR code read by the camera app):
  // its code is filled in; the nurse sends it and then confirms the service.
  invoke("arrived_link").then((link) => {
    if (link && !codeInput.value) codeInput.value = link;
  }).catch(showError);
  const login = fieldForm({
    formId: "enrol-login-form",
    inputId: "enrol-url",
    labelId: "enrol-login-label",
    submitId: "enrol-login-submit",
    type: "url",
    onSubmit: async (value) => {
      announce(t("enrol-login-waiting"));
      await done(await invoke("enrol_with_login", { fhirBase: value }));
    },
  });
  const scan = scanner(codeInput, async (link) => done(await invoke("enrol_with_code", { code: link })));
  box.append(el("h2", null, "enrol-heading"), el("p", null, "enrol-intro"), scan, code, login, confirm);
  box.scanChanged = scan.scanChanged;
  return box;
}

/** "Skann QR-koden": the tablet's camera, with its live view; the core
 * reads the codes and tells what it found. A Heima enrolment link goes
 * into the code field and is sent as a typed one is (`enrol`): the same
 * trusted-service checks, then the nurse confirms. */
function scanner(codeInput, enrol) {
  const box = el("div", "enrol-scan");
  box.id = "enrol-scan";
  const start = button("enrol-scan-start", async () => { await show(await invoke("qr_scan_start")); }, "button button--big");
  start.id = "enrol-scan-start";
  const status = el("p", "scan-status");
  status.id = "scan-status";
  status.setAttribute("role", "status");
  status.hidden = true;
  const view = document.createElement("img");
  view.id = "scan-view";
  view.className = "scan-view";
  view.dataset.l10nAttr = "alt";
  setMessage(view, "enrol-scan-view");
  view.width = 640;
  view.height = 480;
  view.hidden = true;
  const stop = button("enrol-scan-stop", async () => { await invoke("qr_scan_stop"); }, "button button--secondary");
  stop.id = "enrol-scan-stop";
  stop.hidden = true;
  box.append(start, status, view, stop);
  let picturesOn = false;
  let url = null;
  function pictures() {
    const channel = new window.__TAURI__.core.Channel();
    channel.onmessage = (data) => {
      if (!view.isConnected) return;
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : Uint8Array.from(data);
      const next = URL.createObjectURL(new Blob([bytes], { type: "image/jpeg" }));
      view.src = next;
      if (url) URL.revokeObjectURL(url);
      url = next;
      view.dataset.frame = String(Number(view.dataset.frame || 0) + 1);
    };
    invoke("qr_scan_pictures", { channel }).catch(showError);
  }
  async function show(scan) {
    const looking = scan.phase === "looking";
    start.hidden = looking;
    view.hidden = !looking;
    stop.hidden = !looking;
    status.hidden = scan.phase === "off";
    box.dataset.phase = scan.phase;
    if (looking && !picturesOn) pictures();
    picturesOn = looking;
    if (looking) setMessage(status, scan.other_code ? "enrol-scan-other-code" : "enrol-scan-looking");
    if (scan.phase === "gave-up") setMessage(status, "enrol-scan-gave-up");
    if (scan.phase === "read") {
      setMessage(status, "enrol-scan-read");
      announce(t("enrol-scan-read"));
      codeInput.value = scan.link;
      try {
        await enrol(scan.link);
      } catch (error) {
        showError(error);
      }
    }
  }
  // Drawn again while the camera is open (the service's status changed):
  // the live view goes on. A code read before is not sent again.
  invoke("qr_scan_view").then((scan) => { if (scan.phase === "looking") return show(scan); }).catch(showError);
  box.scanChanged = show;
  return box;
}

async function pairing() {
  const box = el("section", "pairing");
  box.id = "pairing";
  box.append(el("h2", null, "pair-heading"));
  const steps = el("ol", "pair-steps");
  for (const n of [1, 2, 3, 4]) steps.append(el("li", null, `pair-step-${n}`));
  const found = el("ul", "found-devices");
  found.id = "found-devices";
  const paired = el("div");
  paired.append(pairedList(await invoke("paired_devices")));
  const search = button("pair-search", async (b) => {
    b.disabled = true;
    found.replaceChildren(el("li", null, "pair-searching"));
    try {
      const devices = await invoke("find_devices");
      found.replaceChildren();
      if (devices.length === 0) found.append(el("li", "empty", "pair-none-found"));
      for (const d of devices) {
        const li = deviceItem("found-device", d);
        if (d.paired) {
          li.append(el("span", "device-paired", "pair-already"));
        } else {
          li.append(button("pair-this", async (pb) => {
            const list = await invoke("pair_device", { id: d.id, service: d.service, name: d.name });
            paired.replaceChildren(pairedList(list));
            pb.replaceWith(el("span", "device-paired", "pair-done"));
            announce(t("pair-done"));
          }, "button button--small"));
        }
        found.append(li);
      }
    } finally {
      b.disabled = false;
    }
  }, "button button--big");
  box.append(steps, search, found, el("h3", null, "devices-paired-heading"), paired);
  return box;
}

function training(status) {
  const box = el("section", "training");
  box.id = "training";
  box.append(el("h2", null, "training-heading"), el("p", null, "training-intro"));
  box.append(button(status.training ? "training-stop" : "training-start", async () => {
    await invoke("set_training", { on: !status.training });
    await refreshChrome();
    announce(t(status.training ? "training-stopped" : "training-started"));
    await route();
  }, status.training ? "button button--big button--warn" : "button button--big"));
  return box;
}

/** The numbers of what has not been sent yet, or that the data cannot be
 * read (recovery). */
function unsentText(unsent) {
  if (unsent === null) return el("p", "end-unsent", "end-unreadable");
  const total = unsent.readings + unsent.answers + unsent.messages + unsent.other;
  if (total === 0) return el("p", "end-unsent", "end-all-sent");
  return el("p", "end-unsent", "end-waiting", { readings: unsent.readings, answers: unsent.answers, messages: unsent.messages, other: unsent.other });
}

/** The patient's copies of the record saved on the tablet, which the end
 * removes: named, so the nurse can have them moved off it first. */
function copiesText(copies) {
  if (copies.length === 0) return [];
  const intro = el("p", "end-copies notice notice--warn", "end-copies", { count: copies.length });
  intro.id = "end-copies";
  const list = el("ul", "end-copies-list");
  for (const copy of copies) {
    const item = el("li", null, "end-copy", { file: copy.file_name, folder: copy.folder });
    list.append(item);
  }
  return [intro, list];
}

/** Ending the follow-up: first what is not sent yet, then send and end;
 * giving up unsent items needs a tick of its own. */
function ending() {
  const box = el("section", "ending");
  box.id = "ending";
  const panel = el("div", "end-panel");
  panel.id = "end-panel";
  panel.hidden = true;
  const finish = async (ended) => {
    announce(t("goodbye-heading"));
    await refreshChrome();
    location.hash = "#/today";
    await route();
    return ended;
  };
  const open = button("end-open", async (b) => {
    const { unsent, copies } = await invoke("end_checklist");
    const send = button("end-send", async () => {
      await finish(await invoke("end_follow_up", { with: "sending-first" }));
    }, "button button--big");
    send.id = "end-send";
    const consent = el("input");
    consent.type = "checkbox";
    consent.id = "end-give-up-consent";
    const label = el("label", "end-give-up-label", "end-give-up-consent");
    label.htmlFor = consent.id;
    const giveUp = button("end-give-up", async () => {
      await finish(await invoke("end_follow_up", { with: "giving-up-unsent" }));
    }, "button button--warn");
    giveUp.id = "end-give-up";
    giveUp.disabled = true;
    consent.addEventListener("change", () => { giveUp.disabled = !consent.checked; });
    const giveUpBox = el("div", "end-give-up");
    giveUpBox.append(consent, label, giveUp);
    panel.replaceChildren(unsentText(unsent), ...copiesText(copies), el("p", null, "end-what-happens"));
    if (unsent !== null) panel.append(send);
    panel.append(giveUpBox);
    panel.hidden = false;
    b.hidden = true;
  }, "button button--secondary");
  open.id = "end-open";
  box.append(el("h2", null, "end-heading"), el("p", null, "end-intro"), open, panel);
  return box;
}

function lockButton() {
  const lock = button("nurse-lock", async () => {
    await invoke("nurse_lock");
    await refreshChrome();
    location.hash = "#/today";
  }, "button button--secondary");
  lock.id = "nurse-lock";
  return lock;
}

export async function renderNurse(_params, status) {
  if (!status.nurse_unlocked) return lockScreen(status);
  if (status.mode === "recovery") {
    // The data cannot be opened: ending the follow-up is all there is to do.
    const section = el("section", "screen screen--nurse");
    section.id = "nurse";
    section.append(heading("nurse-heading"), el("p", null, "recovery-nurse-intro"), ending(), lockButton());
    return section;
  }
  const section = el("section", "screen screen--nurse");
  section.id = "nurse";
  section.append(heading("nurse-heading"));
  const service = el("section", "service-section");
  service.append(el("h2", null, "service-heading"), renderServiceStatus(status));
  const enrol = enrolment();
  section.append(service, enrol, await pairing(), training(status));
  if (status.mode === "demo") {
    // Lets the nurse show the patient what an incoming call looks like.
    const demoCall = el("section", "demo-call");
    const ring = button("call-demo-ring", async () => {
      await invoke("call_demo_ring");
      location.hash = "#/call";
    }, "button button--big");
    ring.id = "call-demo-ring";
    demoCall.append(el("h2", null, "call-demo-heading"), el("p", null, "call-demo-intro"), ring);
    section.append(demoCall);
  }
  if (status.mode !== "demo") section.append(ending());
  section.append(lockButton());
  // Locked by the core (left idle): the lock screen comes back at once.
  return listen(section, {
    changed: serviceStatusWatch((change) => {
      if (change.change === "nurse-lock" && !change.unlocked) return redraw();
      if (change.change === "scan") return enrol.scanChanged(change.view);
    }),
  });
}
