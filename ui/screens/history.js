// Historikk: each measurement, and each of the plan's questionnaires (its
// total score), over 1 week, 1 month or 3 months as a plot with the
// patient's own limits drawn as coloured bands (uPlot 1.6.32, MIT,
// vendored unchanged in vendor/uplot and loaded by this screen only), and
// the same readings or answers as a table — with colour in words and
// whether the service has each one; and the photos taken for the plan.

import { invoke } from "../ipc.js";
import { pick, t, showText } from "../i18n.js";
import { el, heading, SIGN } from "../dom.js";
import { formatMoment, formatTimeZone, formatValue, usableChartLanguage } from "../format.js";
import { listen, redraw } from "../shell.js";

const PERIODS = [7, 30, 90];
const BAND = { green: "rgba(22, 122, 52, 0.16)", yellow: "rgba(214, 170, 0, 0.22)", red: "rgba(178, 34, 34, 0.16)" };
const LINE = ["#0b5563", "#6b2c91", "#8a4b08"];

/** Draws each limit of a plotted value as a band across the plot. */
function bandsPlugin(limits, codes) {
  return {
    hooks: {
      drawClear: (u) => {
        const { ctx } = u;
        const { left, top, width, height } = u.bbox;
        ctx.save();
        for (const l of limits) {
          if (!codes.includes(l.code)) continue;
          const lo = l.low !== null ? Number(l.low) : u.scales.y.min;
          const hi = l.high !== null ? Number(l.high) : u.scales.y.max;
          const y1 = Math.max(top, Math.min(top + height, u.valToPos(hi, "y", true)));
          const y2 = Math.max(top, Math.min(top + height, u.valToPos(lo, "y", true)));
          if (y2 <= y1) continue;
          ctx.fillStyle = BAND[l.colour];
          ctx.fillRect(left, y1, width, y2 - y1);
        }
        ctx.restore();
      },
    },
  };
}

function plot(uPlot, history, host) {
  const codes = [...new Set(history.points.flatMap((p) => p.values.map((x) => x.code)))];
  // Pulse from a blood-pressure monitor has no band on this plot; keep it off.
  const plotted = history.kind === "blood-pressure" ? codes.filter((c) => c !== "8867-4") : codes;
  const xs = history.points.map((p) => Date.parse(p.at) / 1000);
  const series = plotted.map((code) => history.points.map((p) => {
    const v = p.values.find((x) => x.code === code);
    return v ? Number(v.value) : null;
  }));
  const values = series.flat().filter((v) => v !== null);
  const bandValues = history.limits.filter((l) => plotted.includes(l.code)).flatMap((l) => [l.low, l.high]).filter((v) => v !== null).map(Number);
  const all = [...values, ...bandValues];
  const min = Math.min(...all);
  const max = Math.max(...all);
  const pad = Math.max(1, (max - min) * 0.1);
  const width = Math.max(320, Math.min(host.clientWidth || 720, 900));
  const opts = {
    width,
    height: 320,
    scales: { x: { time: true, range: [Date.parse(history.from) / 1000, Date.parse(history.to) / 1000] }, y: { range: [min - pad, max + pad] } },
    axes: [{ stroke: "#222", grid: { stroke: "#ddd" } }, { stroke: "#222", grid: { stroke: "#ddd" } }],
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), formatTimeZone()),
    legend: { show: false },
    cursor: { show: false },
    series: [{}, ...plotted.map((code, i) => ({ label: t(`manual-field-${code}`), stroke: LINE[i % LINE.length], width: 3, points: { size: 9 } }))],
    plugins: [bandsPlugin(history.limits, plotted)],
  };
  return new uPlot(opts, [xs, ...series], host);
}

function table(history, demo) {
  const tableEl = el("table", "history-table");
  tableEl.id = "history-table";
  const head = el("tr");
  for (const id of ["history-col-time", "history-col-value", "history-col-colour", ...(demo ? [] : ["history-col-sent"])]) head.append(el("th", null, id));
  const thead = el("thead");
  thead.append(head);
  const tbody = el("tbody");
  for (const p of [...history.points].reverse()) {
    const row = el("tr");
    const time = el("td");
    time.textContent = formatMoment(p.at);
    const value = el("td");
    value.dataset.values = JSON.stringify(p.values);
    value.textContent = p.values.map((x) => formatValue(x.value, x.unit)).join(" / ");
    if (p.meal) value.append(" ", el("span", "history-meal", `meal-${p.meal}`));
    const colour = p.colour || "not-judged";
    const c = el("td", `history-colour history-colour--${colour}`);
    const sign = el("span", "result-sign");
    sign.textContent = SIGN[colour] || SIGN["not-judged"];
    sign.setAttribute("aria-hidden", "true");
    c.append(sign, " ", el("span", null, `colour-${colour}`));
    row.append(time, value, c);
    if (!demo) row.append(el("td", "result-sent", p.sent ? "latest-sent-sent" : "latest-sent-waiting"));
    tbody.append(row);
  }
  tableEl.append(thead, tbody);
  return tableEl;
}

/** What makes the history draw itself afresh. */
const HISTORY_CHANGES = new Set(["recorded", "photo-kept", "acknowledged", "sync", "missed"]);

export async function renderHistory(params, status) {
  return listen(await drawHistory(params, status), {
    changed: (change) => { if (HISTORY_CHANGES.has(change.change)) return redraw(); },
  });
}

/** A questionnaire's history is at `#/history/answers:<id>/<days>`. */
const ANSWERS = "answers:";
/** The photos taken for the plan are at `#/history/photos/<days>`. */
const PHOTOS = "photos";

/** The photos of the period, newest first, each with its title, when it
 * was taken and whether the service has it. */
async function photoList(days, demo) {
  const photos = (await invoke("photos", { days })).reverse();
  if (photos.length === 0) return el("p", "empty", "history-photos-empty");
  const list = el("ul", "history-photos");
  list.id = "history-photos";
  for (const p of photos) {
    const item = el("li", "history-photo");
    item.dataset.id = p.id;
    const img = document.createElement("img");
    img.alt = t("history-photo", { title: p.title });
    img.width = p.width;
    img.height = p.height;
    invoke("photo_picture", { id: p.id }).then((bytes) => {
      const url = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: "image/jpeg" }));
      img.onload = () => URL.revokeObjectURL(url);
      img.onerror = () => URL.revokeObjectURL(url);
      img.src = url;
    }).catch(() => {});
    const sent = p.sent === null ? "latest-sent-training" : demo ? "history-photo-demo" : p.sent ? "latest-sent-sent" : "latest-sent-waiting";
    item.append(img, el("p", "history-photo-title", "history-photo", { title: p.title }),
      el("p", "history-photo-when", "history-photo-taken", { when: formatMoment(p.taken) }), el("p", "history-photo-sent", sent));
    list.append(item);
  }
  return list;
}

async function drawHistory(params, status) {
  // Which kinds, and in what order (the plan's first): the core's list;
  // then the plan's questionnaires, by their titles.
  const [choices, view] = await Promise.all([invoke("measurement_kinds"), invoke("plan")]);
  const titles = view ? view.questionnaire_titles : {};
  const photosAsked = !!view && view.plan.activities.some((a) => a.kind.type === "photo");
  const routes = [...choices.map((c) => c.kind), ...Object.keys(titles).map((id) => ANSWERS + id), ...(photosAsked ? [PHOTOS] : [])];
  const days = PERIODS.includes(Number(params[1])) ? Number(params[1]) : 30;
  const section = el("section", "screen screen--history");
  section.append(heading("history-heading"));
  const kinds = el("div", "segmented");
  kinds.setAttribute("role", "group");
  kinds.setAttribute("aria-label", t("history-choose-kind"));
  const chosen = routes.includes(params[0]) ? params[0] : routes[0];
  for (const k of routes) {
    const a = k.startsWith(ANSWERS) ? el("a", "segment") : el("a", "segment", k === PHOTOS ? "history-photos-heading" : `measurement-${k}`);
    if (k.startsWith(ANSWERS)) {
      const title = titles[k.slice(ANSWERS.length)];
      showText(a, title);
    }
    a.href = `#/history/${k}/${days}`;
    a.dataset.route = k;
    if (k === chosen) a.setAttribute("aria-current", "true");
    kinds.append(a);
  }
  const periods = el("div", "segmented");
  periods.setAttribute("role", "group");
  periods.setAttribute("aria-label", t("history-choose-period"));
  for (const d of PERIODS) {
    const a = el("a", "segment", `history-period-${d}`);
    a.href = `#/history/${chosen}/${d}`;
    if (d === days) a.setAttribute("aria-current", "true");
    periods.append(a);
  }
  section.append(kinds, periods);
  if (chosen === PHOTOS) {
    section.append(el("h2", null, "history-photos-heading"), await photoList(days, status.mode === "demo"));
    return section;
  }
  const answers = chosen.startsWith(ANSWERS);
  const history = answers
    ? await invoke("answers_history", { questionnaire: chosen.slice(ANSWERS.length), days })
    : await invoke("history", { kind: chosen, days });
  const what = answers ? pick(history.title) : t(`measurement-${chosen}`);
  const title = el("h2", null, "history-plot-title", { what, days });
  section.append(title);
  if (history.points.length === 0) {
    section.append(el("p", "empty", "history-empty"));
    return section;
  }
  // A questionnaire without a score has colours only: the table says it all.
  if (history.points.every((p) => p.values.length === 0)) {
    section.append(table(history, status.mode === "demo"));
    return section;
  }
  const host = el("figure", "history-plot");
  host.id = "history-plot";
  host.setAttribute("role", "img");
  host.setAttribute("aria-label", t("history-plot-label", { what, count: history.points.length }));
  section.append(host, el("p", "history-legend", "history-legend"), table(history, status.mode === "demo"));
  // The chart library loads with the screen, so a problem in it can only
  // cost the plot (the table stays); drawn once the figure has a width.
  usableChartLanguage();
  const { default: uPlot } = await import("../vendor/uplot/uPlot.esm.js");
  requestAnimationFrame(() => {
    if (host.isConnected) {
      plot(uPlot, history, host);
      host.dataset.drawn = "true";
    }
  });
  return section;
}
