// Bilde: a photo the plan asks for ("Bilde av leggene og anklene"). The
// plan's words on how to take it; then the camera's live view with a frame
// to aim by and one big "Ta bildet", or "Velg et bilde fra fila" (JPEG or
// PNG). The core makes the photo ready (upright, smaller, without the
// place or any other hidden data) and it is shown, with its size, before
// "Send bildet" keeps it for the service; "Ta et nytt" starts again.
// Nothing is kept until then; leaving the screen closes the camera.

import { invoke } from "../ipc.js";
import { noteLanguage, pick, setMessage, t } from "../i18n.js";
import { formatClock } from "../format.js";
import { el, heading, button, linkButton, announce, showError, clearErrors } from "../dom.js";
import { showBlocks } from "./help.js";

/** An image whose alt text is a message. */
function picture(id, messageId) {
  const img = document.createElement("img");
  img.id = id;
  img.className = id;
  img.dataset.l10nAttr = "alt";
  setMessage(img, messageId);
  return img;
}

/** "310 kB". */
function kilobytes(bytes) {
  return String(Math.max(1, Math.round(bytes / 1024)));
}

export async function renderPhoto(params) {
  const [activityId] = params;
  const view = await invoke("plan").catch(() => null);
  const activity = view && view.plan.activities.find((a) => a.id === activityId && a.kind.type === "photo");
  const section = el("section", "screen screen--photo");
  section.id = "photo";
  if (!activity) {
    section.append(heading("photo-heading-plain"), el("p", "notice", "photo-not-asked"), linkButton("photo-to-today", "#/today"));
    return section;
  }
  section.append(noteLanguage(heading("task-photo", { title: pick(activity.kind.title) }), activity.kind.title));
  if (activity.description) section.append(showBlocks(activity.description, 2));
  const body = el("div", "photo-body");
  section.append(body);
  const back = linkButton("photo-to-today", "#/today");
  back.id = "photo-to-today";
  section.append(back);
  let url = null;
  const show = (img, bytes) => {
    const next = URL.createObjectURL(new Blob([bytes], { type: "image/jpeg" }));
    img.src = next;
    if (url) URL.revokeObjectURL(url);
    url = next;
  };

  /** Take with the camera, or choose a file. */
  function choose() {
    clearErrors();
    const camera = button("photo-camera", startCamera, "button button--big");
    camera.id = "photo-camera";
    const file = document.createElement("input");
    file.type = "file";
    file.accept = "image/jpeg,image/png";
    file.id = "photo-file";
    file.className = "visually-hidden";
    const label = el("label", "button button--big button--secondary photo-file-label", "photo-file");
    label.htmlFor = "photo-file";
    file.addEventListener("change", async () => {
      const chosen = file.files && file.files[0];
      if (!chosen) return;
      try {
        const bytes = new Uint8Array(await chosen.arrayBuffer());
        await preview(await invoke("photo_from_file", bytes, { headers: { activity: activityId } }));
      } catch (error) {
        showError(error);
      }
    });
    body.replaceChildren(el("p", "photo-tip", "photo-tip"), camera, label, file);
  }

  /** The live view with its frame, and "Ta bildet". */
  async function startCamera() {
    await invoke("photo_camera_start", { activity: activityId });
    const frame = el("div", "photo-frame");
    const live = picture("photo-live", "photo-live");
    const guide = el("div", "photo-guide");
    guide.setAttribute("aria-hidden", "true");
    frame.append(live, guide);
    const take = button("photo-take", async () => {
      take.disabled = true;
      try {
        await preview(await invoke("photo_take"));
      } finally {
        take.disabled = false;
      }
    }, "button button--big");
    take.id = "photo-take";
    take.disabled = true;
    const cancel = button("photo-cancel", async () => { await invoke("photo_camera_stop"); choose(); }, "button button--secondary");
    cancel.id = "photo-cancel";
    body.replaceChildren(el("p", "photo-aim", "photo-aim"), frame, take, cancel);
    const channel = new window.__TAURI__.core.Channel();
    channel.onmessage = (data) => {
      if (!live.isConnected) return;
      show(live, data instanceof ArrayBuffer ? new Uint8Array(data) : Uint8Array.from(data));
      live.dataset.frame = String(Number(live.dataset.frame || 0) + 1);
      take.disabled = false;
    };
    invoke("photo_pictures", { channel }).catch(showError);
  }

  /** The photo as it will be sent, with "Send bildet" and "Ta et nytt". */
  async function preview(p) {
    clearErrors();
    const img = picture("photo-preview", "photo-preview");
    img.width = p.width;
    img.height = p.height;
    show(img, new Uint8Array(await invoke("photo_waiting")));
    const facts = el("p", "photo-facts", "photo-facts", { width: p.width, height: p.height, size: kilobytes(p.bytes) });
    facts.id = "photo-facts";
    const keep = button("photo-keep", async () => {
      // One tap keeps it; a second while it is kept does nothing.
      keep.disabled = true;
      again.disabled = true;
      let kept;
      try {
        kept = await invoke("photo_keep", { ticket: p.ticket });
      } catch (error) {
        keep.disabled = false;
        again.disabled = false;
        throw error;
      }
      const note = el("p", "notice photo-kept", kept.entered_by === "nurse-training" ? "photo-kept-training" : "photo-kept",
        { time: formatClock(kept.taken) });
      note.id = "photo-kept";
      note.setAttribute("role", "status");
      body.replaceChildren(note);
      announce(note.textContent);
    }, "button button--big");
    keep.id = "photo-keep";
    const again = button("photo-again", async () => { await invoke("photo_discard"); choose(); }, "button button--secondary");
    again.id = "photo-again";
    body.replaceChildren(el("p", null, "photo-check"), img, facts, keep, again);
    announce(t("photo-check"));
  }

  choose();
  return section;
}
