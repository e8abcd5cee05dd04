// Personvern: what Heima does with the patient's information, in plain
// words — who is responsible (the service, by name), what is kept, where,
// for how long, and how to get a copy. A new follow-up's today screen asks
// the patient to read it until they say they have; the settings lead here
// any time after. The facts behind the words: docs/privacy.md.

import { invoke } from "../ipc.js";
import { el, heading, button, linkButton, showError } from "../dom.js";
import { refreshChrome } from "../shell.js";

export async function renderPrivacy(_params, status) {
  const section = el("section", "screen screen--privacy");
  section.id = "privacy";
  section.append(heading("privacy-heading"), el("p", null, "privacy-intro"));
  // The demo sends nothing anywhere: said first, before the words that
  // hold once a service follows the patient.
  if (status.mode === "demo") section.append(el("p", "notice", "privacy-demo"));
  const part = (headingId, ...texts) => {
    section.append(el("h2", null, headingId), ...texts);
  };
  part(
    "privacy-who-heading",
    status.service_name ? el("p", null, "privacy-who", { service: status.service_name }) : el("p", null, "privacy-who-unknown"),
  );
  part("privacy-what-heading", el("p", null, "privacy-what"));
  part("privacy-where-heading", el("p", null, "privacy-where"), el("p", null, "privacy-call"));
  part("privacy-how-long-heading", el("p", null, "privacy-how-long"));
  part("privacy-copy-heading", el("p", null, "privacy-copy"));
  if (status.privacy_unread) {
    const read = button("privacy-read", async () => {
      try {
        await invoke("privacy_notice_read");
        await refreshChrome();
        location.hash = "#/today";
      } catch (error) {
        showError(error);
      }
    }, "button button--big");
    read.id = "privacy-read";
    section.append(read);
  } else {
    const back = linkButton("privacy-back", "#/settings");
    back.id = "privacy-back";
    section.append(back);
  }
  return section;
}
