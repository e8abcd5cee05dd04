// Small DOM helpers shared by the screens: elements, buttons and forms,
// notices and errors, value formatting with units, and the colour signs.
// Every text goes through a Fluent message id (see i18n.js); nothing here
// holds words of its own.

import { setMessage, errorText } from "./i18n.js";

/** Creates an element with a class and, optionally, a message. */
export function el(tag, className, id, args) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (id) setMessage(element, id, args);
  return element;
}

/** A button with a message; `onClick` may be async (errors are shown). */
export function button(id, onClick, className = "button", args) {
  const b = el("button", className, id, args);
  b.type = "button";
  b.addEventListener("click", async () => {
    try {
      await onClick(b);
    } catch (error) {
      showError(error);
    }
  });
  return b;
}

/** A link-styled button that goes to a route. */
export function linkButton(id, href, args) {
  const a = el("a", "button button--link", id, args);
  a.href = href;
  return a;
}

/** The screen's main heading (focused after navigation). */
export function heading(id, args) {
  const h = el("h1", null, id, args);
  h.id = "screen-heading";
  h.tabIndex = -1;
  return h;
}

export function announce(text) {
  const status = document.getElementById("status");
  status.textContent = "";
  // A fresh text node makes screen readers read it again.
  setTimeout(() => { status.textContent = text; }, 50);
}

function errorNotice(error) {
  const p = el("p", "notice notice--error");
  p.textContent = errorText(error);
  // The code, for tests; the core sends no detail (it may name an
  // address or an identifier), only the code and the values its message
  // names.
  if (error && error.code) p.dataset.code = error.code;
  return p;
}

export function showError(error) {
  console.error(error);
  document.getElementById("notices").replaceChildren(errorNotice(error));
}

/** A notice in the user's language (not an error) where errors show,
 * read out by screen readers; `code` names it for tests. */
export function showNotice(messageId, code) {
  const p = el("p", "notice notice--warn", messageId);
  p.dataset.code = code;
  document.getElementById("notices").replaceChildren(p);
}

/** Everything found at start-up that the user should be told, together. */
export function showErrors(errors) {
  if (errors.length > 0) document.getElementById("notices").replaceChildren(...errors.map(errorNotice));
}

export function clearErrors() {
  document.getElementById("notices").replaceChildren();
}

export function radioChoice(name, value, checked, messageId, onChange) {
  const label = el("label", "choice");
  const input = document.createElement("input");
  input.type = "radio";
  input.name = name;
  input.value = value;
  input.id = `${name}-${value}`;
  input.checked = checked;
  input.addEventListener("change", onChange);
  label.append(input, el("span", null, messageId));
  return label;
}

/** The colour's sign, so colour is never the only cue. */
export const SIGN = { green: "●", yellow: "▲", red: "■", "not-judged": "○" };

export function colourOf(judgement) {
  return judgement && judgement.result === "judged" ? judgement.colour : "not-judged";
}

/** A list item naming a device (`data-id` for tests and updates). */
export function deviceItem(className, device) {
  const li = el("li", className);
  li.dataset.id = device.id;
  const name = el("span", "device-name");
  name.textContent = device.name;
  li.append(name);
  return li;
}

/** A form with one labelled field and a submit button. `onSubmit(value,
 * input)` runs with the button disabled; its errors are shown. */
export function fieldForm({ formId, inputId, labelId, submitId, type = "text", inputMode, submitClass = "button", onSubmit }) {
  const form = document.createElement("form");
  form.id = formId;
  const label = el("label", "field", labelId);
  label.htmlFor = inputId;
  const input = document.createElement("input");
  input.id = inputId;
  input.type = type;
  input.autocomplete = "off";
  if (inputMode) input.inputMode = inputMode;
  const submit = el("button", submitClass, submitId);
  submit.type = "submit";
  form.append(label, input, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      await onSubmit(input.value, input);
    } catch (error) {
      showError(error);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
