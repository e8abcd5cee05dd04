// Lesestoff: one piece of the plan's learning material — its title, its
// text as headings, paragraphs and lists (built from text nodes, never
// HTML from the server) and its pictures as `data:` URLs. It comes with
// the plan, so it reads offline.

import { invoke } from "../ipc.js";
import { pick, showText } from "../i18n.js";
import { el, heading, linkButton } from "../dom.js";
import { showBlocks } from "./help.js";
import { readAloudButton } from "../read_aloud.js";

export async function renderMaterial(params) {
  const view = await invoke("plan");
  const section = el("section", "screen screen--material");
  section.id = "material";
  const material = view && view.plan.material.find((m) => m.id === params[0]);
  if (!material) {
    section.append(heading("plan-material-heading"), linkButton("material-back", "#/plan"));
    return section;
  }
  const h = showText(heading(), material.title);
  section.append(h, readAloudButton(), showBlocks(material.blocks, 1));
  for (const image of material.images) {
    const figure = el("figure", "material-image");
    const img = document.createElement("img");
    img.src = `data:${image.content_type};base64,${image.data}`;
    img.alt = pick(image.alt);
    figure.append(img);
    if (image.alt) figure.append(showText(el("figcaption"), image.alt));
    section.append(figure);
  }
  section.append(linkButton("material-back", "#/plan"));
  return section;
}
