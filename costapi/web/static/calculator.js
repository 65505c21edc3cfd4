// The patient cost calculator: reads the public lists, posts the form to the public
// estimate API and shows the answer. No build step, no dependencies.

const root = document.getElementById("calculator");
const form = document.getElementById("estimate-form");
const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";

const MONEY_FIELDS = ["deductible", "deductible_met", "copay", "out_of_pocket_max",
  "out_of_pocket_met"];
const FIELDS = ["plan", "start_date", "coverage", "payer", "network", ...MONEY_FIELDS,
  "coinsurance", "plan_year_start"];
const KIND_LABELS = {
  intake: "First visit (intake)", induction: "Induction", maintenance: "Maintenance",
  follow_up: "Follow-up",
};
// Colour AND pattern tell the phases apart; every fill has >= 3:1 contrast on white.
const KIND_STYLES = {
  induction: { color: "#1d4f91", pattern: "solid" },
  maintenance: { color: "#a34f00", pattern: "stripes" },
  intake: { color: "#4a4a4a", pattern: "dots" },
  follow_up: { color: "#2b6b47", pattern: "grid" },
};
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
  "Dec"];
const LONG_MONTHS = ["January", "February", "March", "April", "May", "June", "July",
  "August", "September", "October", "November", "December"];

let plans = [];
let payers = [];
let lastAnswer = null;

// ---- money as strings, never floats for the figures shown ------------------------------

export function dollars(text) {
  const [whole, cents = "00"] = String(text).split(".");
  return `$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${cents.padEnd(2, "0")}`;
}

function toCents(text) {
  const [whole, cents = "0"] = String(text).split(".");
  return Number(whole) * 100 + Number(cents.padEnd(2, "0").slice(0, 2));
}

function centsToText(cents) {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

// "20" (percent) -> "0.20" (the API's fraction), exactly; anything else is sent as typed
// and the API names the problem.
export function percentToFraction(text) {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?\s*%?$/.exec(text);
  if (!match) return text;
  const digits = (match[1] + (match[2] || "")).replace(/^0+(?=\d)/, "");
  const decimals = (match[2] || "").length + 2;
  const padded = digits.padStart(decimals + 1, "0");
  return `${padded.slice(0, padded.length - decimals)}.${padded.slice(-decimals)}`;
}

function shortDate(iso, withYear = true) {
  const [y, m, d] = iso.split("-").map(Number);
  return `${MONTHS[m - 1]} ${d}${withYear ? `, ${y}` : ""}`;
}

// "Jan 4, 2027", "Jan 11 to Jan 22, 2027", "Dec 6, 2027 to Feb 14, 2028"
function dateSpan(first, last) {
  if (first === last) return shortDate(first);
  const sameYear = first.slice(0, 4) === last.slice(0, 4);
  return `${shortDate(first, !sameYear)} to ${shortDate(last)}`;
}

function monthLabel(month, long = false) {
  const [y, m] = month.split("-").map(Number);
  return `${(long ? LONG_MONTHS : MONTHS)[m - 1]} ${y}`;
}

function phaseLabel(name) {
  const words = name.replace(/[-_]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  for (const child of children) node.append(child);
  return node;
}

// ---- the form ---------------------------------------------------------------------------

function describePlan(plan) {
  if (!plan) return "";
  const parts = plan.phases.filter((p) => p.sessions || p.sessions_max).map((p) => {
    const range = p.sessions_max ? ` (${p.sessions_min ?? 0} to ${p.sessions_max})` : "";
    const visits = p.sessions === 1 ? "1 visit" : `${p.sessions} visits`;
    const cadence = p.cadence === "one visit" ? "" : `, ${p.cadence}`;
    return `${phaseLabel(p.name)}: ${visits}${range}${cadence}`;
  });
  return `${plan.visits} visits as planned. ${parts.join("; ")}.`;
}

function describeCoverage() {
  const plan = plans.find((p) => p.code === $("plan").value);
  const payer = payers.find((p) => p.code === $("payer").value);
  if (!plan || !payer) return "";
  const item = payer.coverage.find((c) => c.modality === plan.modality);
  return item ? `${payer.name}, this treatment: ${item.label.toLowerCase()}.` : "";
}

function syncForm() {
  const insured = form.elements.coverage.value === "insurance";
  $("insurance").hidden = !insured;
  $("plan-help").textContent = describePlan(plans.find((p) => p.code === $("plan").value));
  $("payer-help").textContent = describeCoverage();
}

function fill(select, items, placeholder) {
  select.replaceChildren();
  if (placeholder) select.append(el("option", { value: "" }, placeholder));
  for (const item of items) select.append(el("option", { value: item.code }, item.name));
}

function defaultStart() {
  const day = new Date();
  day.setDate(day.getDate() + 7);
  const pad = (n) => String(n).padStart(2, "0");
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

export function requestFromForm() {
  const data = form.elements;
  const body = {
    plan: data.plan.value,
    start_date: data.start_date.value,
    coverage: data.coverage.value,
  };
  if (!body.start_date) delete body.start_date;
  if (body.coverage !== "insurance") return body;
  if (data.payer.value) body.payer = data.payer.value;
  body.network = data.network.value;
  for (const name of MONEY_FIELDS) {
    const value = data[name].value.trim().replace(/^\$\s*/, "").replace(/,/g, "");
    if (value) body[name] = value;
  }
  const coinsurance = data.coinsurance.value.trim();
  if (coinsurance) body.coinsurance = percentToFraction(coinsurance);
  if (data.plan_year_start.value) body.plan_year_start = data.plan_year_start.value;
  return body;
}

// ---- errors beside the fields -----------------------------------------------------------

function clearErrors() {
  $("form-error").hidden = true;
  $("form-error").textContent = "";
  for (const name of FIELDS) {
    const message = $(`${name}-error`);
    if (message) {
      message.hidden = true;
      message.textContent = "";
    }
  }
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
}

function messageFor(name, messages) {
  const text = [].concat(messages).flat().join(" ");
  if (name === "coinsurance" && /fraction/i.test(text)) {
    return "Enter your coinsurance as a percentage from 0 to 100, for example 20.";
  }
  return text;
}

function showFieldErrors(errors) {
  const json = (errors && errors.json) || {};
  const other = [];
  for (const [name, messages] of Object.entries(json)) {
    const target = $(`${name}-error`);
    const text = messageFor(name, typeof messages === "object" && !Array.isArray(messages)
      ? Object.values(messages) : messages);
    if (!target) {
      other.push(`${name}: ${text}`);
      continue;
    }
    target.textContent = text;
    target.hidden = false;
    const control = name === "coverage" || name === "network"
      ? form.querySelector(`input[name=${name}]`) : $(name);
    if (control) control.setAttribute("aria-invalid", "true");
  }
  // in the order of the form, as the eye and the Tab key meet them
  const invalid = [...form.querySelectorAll("[aria-invalid=true]")];
  const labels = invalid.map((control) => {
    const label = control.type === "radio"
      ? control.closest("fieldset").querySelector("legend")
      : form.querySelector(`label[for="${control.id}"]`);
    return label ? label.textContent.replace(/\s+/g, " ").trim() : control.name;
  });
  const which = invalid.length === 1 ? "this field" : "these fields";
  let summary = invalid.length ? `Please correct ${which}: ${labels.join(", ")}.` : "";
  if (other.length) summary += ` ${other.join(" ")}`;
  showFormError(summary.trim() || "The request was not accepted.");
  if (invalid.length) invalid[0].focus();
}

function showFormError(text) {
  $("form-error").textContent = text;
  $("form-error").hidden = false;
}

// ---- the answer -------------------------------------------------------------------------

function totalsRows(answer) {
  const t = answer.totals;
  const rows = [];
  const reimbursed = toCents(t.expected_reimbursement) > 0;
  if (answer.coverage.type === "self_pay") {
    rows.push(["total", "You would pay in total (cash prices)", t.patient_pays]);
  } else if (reimbursed) {
    rows.push(["paid", "You would pay the clinic", t.patient_pays]);
    rows.push(["reimbursement", "Your plan may pay you back", t.expected_reimbursement]);
    rows.push(["total", "Your cost after that", t.net_patient_cost]);
  } else {
    rows.push(["total", "You would pay in total", t.net_patient_cost]);
  }
  if (answer.coverage.type === "insurance") {
    rows.push(["self-pay-total", "Without insurance, at the clinic's cash prices",
      answer.self_pay_total]);
  }
  return rows;
}

function renderTotals(answer) {
  const list = $("totals");
  list.replaceChildren();
  for (const [id, label, amount] of totalsRows(answer)) {
    list.append(el("div", { class: `total total-${id}` },
      el("dt", {}, label), el("dd", { id }, dollars(amount))));
  }
  if (answer.coverage.type === "insurance") {
    const difference = toCents(answer.self_pay_total) - toCents(answer.totals.net_patient_cost);
    const words = difference >= 0
      ? `${dollars(centsToText(difference))} less than paying cash`
      : `${dollars(centsToText(-difference))} more than paying cash`;
    list.append(el("div", { class: "total total-difference" },
      el("dt", {}, "With insurance you would pay"), el("dd", { id: "difference" }, words)));
  }
}

function renderRange(answer) {
  const node = $("range");
  node.hidden = !answer.range;
  if (answer.range) {
    node.textContent = "Some phases can be shorter or longer. Depending on how many visits "
      + `you need, you would pay between ${dollars(answer.range.low)} and `
      + `${dollars(answer.range.high)}.`;
  }
}

function renderPrograms(answer) {
  const node = $("programs");
  node.hidden = !answer.programs.length;
  if (answer.programs.length) {
    const names = answer.programs.map((p) => p.name).join(" and ");
    node.textContent = `Savings program included: ${names}. It pays about `
      + `${dollars(answer.totals.assistance_pays)} of your share; you need to enroll.`;
  }
}

function patternDefs(prefix) {
  const defs = svg("defs");
  for (const [kind, style] of Object.entries(KIND_STYLES)) {
    const id = `${prefix}-${kind}`;
    const pattern = svg("pattern", { id, width: 8, height: 8, patternUnits: "userSpaceOnUse" },
      svg("rect", { width: 8, height: 8, fill: style.color }));
    if (style.pattern === "stripes") {
      pattern.setAttribute("patternTransform", "rotate(45)");
      pattern.append(svg("rect", { x: 0, y: 0, width: 3, height: 8, fill: "#ffffff" }));
    } else if (style.pattern === "dots") {
      pattern.append(svg("circle", { cx: 4, cy: 4, r: 1.6, fill: "#ffffff" }));
    } else if (style.pattern === "grid") {
      pattern.append(svg("path", { d: "M0 4H8M4 0V8", stroke: "#ffffff", "stroke-width": 1.5 }));
    }
    defs.append(pattern);
  }
  return defs;
}

function renderLegend(kinds) {
  const legend = $("legend");
  legend.replaceChildren();
  for (const kind of kinds) {
    const swatch = svg("svg", { width: 28, height: 18, viewBox: "0 0 28 18",
      "aria-hidden": "true", focusable: "false" },
    patternDefs(`legend-${kind}`),
    svg("rect", { x: 0.5, y: 0.5, width: 27, height: 17, fill: `url(#legend-${kind}-${kind})`,
      stroke: "#1a1a1a" }));
    legend.append(el("li", { "data-kind": kind }, swatch, KIND_LABELS[kind] || phaseLabel(kind)));
  }
}

function renderChart(answer) {
  const box = $("chart");
  box.replaceChildren();
  const months = answer.months;
  const width = Math.max(280, Math.floor(box.clientWidth || 600));
  const labelWidth = 78;
  const amountWidth = 92;
  const rowHeight = 30;
  const barHeight = 20;
  const barArea = Math.max(60, width - labelWidth - amountWidth - 12);
  const height = months.length * rowHeight + 4;
  const max = Math.max(1, ...months.map((m) => toCents(m.patient_pays)));
  const chart = svg("svg", {
    width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-labelledby": "chart-title chart-desc", class: "bars",
  });
  const total = dollars(answer.totals.patient_pays);
  chart.append(
    svg("title", { id: "chart-title" }, "What you pay each month"),
    svg("desc", { id: "chart-desc" }, `A bar for each of ${months.length} months, `
      + `${total} in all. The table below the chart lists the same amounts.`),
    patternDefs("chart"),
  );
  months.forEach((month, index) => {
    const y = index * rowHeight + 2;
    const row = svg("g", { "data-month": month.month, "data-amount": month.patient_pays });
    const parts = answer.phase_kinds.map((kind) => `${KIND_LABELS[kind] || kind} `
      + `${dollars(month.by_kind[kind])}`).join(", ");
    row.append(svg("title", {}, `${monthLabel(month.month, true)}: ${dollars(month.patient_pays)}`
      + ` (${parts})`));
    row.append(svg("text", { x: 0, y: y + barHeight - 5, class: "label" },
      monthLabel(month.month)));
    let x = labelWidth;
    for (const kind of answer.phase_kinds) {
      const cents = toCents(month.by_kind[kind]);
      if (!cents) continue;
      const w = Math.max(2, (cents / max) * barArea);
      row.append(svg("rect", {
        x, y, width: w, height: barHeight, fill: `url(#chart-${kind})`,
        stroke: "#1a1a1a", "stroke-width": 1, "data-kind": kind,
        "data-amount": month.by_kind[kind],
      }));
      x += w;
    }
    row.append(svg("text", { x: width - 2, y: y + barHeight - 5, "text-anchor": "end",
      class: "amount" }, dollars(month.patient_pays)));
    chart.append(row);
  });
  box.append(chart);
}

function renderMonthTable(answer) {
  const table = $("month-table");
  const head = el("tr", {}, el("th", { scope: "col" }, "Month"),
    el("th", { scope: "col", class: "num" }, "Visits"));
  for (const kind of answer.phase_kinds) {
    head.append(el("th", { scope: "col", class: "num" }, KIND_LABELS[kind] || kind));
  }
  head.append(el("th", { scope: "col", class: "num" }, "You pay"));
  table.tHead.replaceChildren(head);
  const body = table.tBodies[0];
  body.replaceChildren();
  for (const month of answer.months) {
    const row = el("tr", { "data-month": month.month },
      el("th", { scope: "row" }, monthLabel(month.month, true)),
      el("td", { class: "num" }, String(month.visits)));
    for (const kind of answer.phase_kinds) {
      row.append(el("td", { class: "num", "data-kind": kind }, dollars(month.by_kind[kind])));
    }
    row.append(el("td", { class: "num month-total" }, dollars(month.patient_pays)));
    body.append(row);
  }
}

function renderPhases(answer) {
  const body = $("phase-table").tBodies[0];
  body.replaceChildren();
  for (const phase of answer.phases) {
    const dates = phase.first_date ? dateSpan(phase.first_date, phase.last_date) : "none";
    body.append(el("tr", { "data-phase": phase.name },
      el("th", { scope: "row" }, phaseLabel(phase.name), el("span", { class: "dates" }, dates)),
      el("td", { class: "num" }, String(phase.sessions)),
      el("td", { class: "num" }, dollars(phase.net_patient_cost))));
  }
  const years = answer.plan_years;
  $("plan-years").hidden = years.length < 2;
  const yearBody = $("plan-year-table").tBodies[0];
  yearBody.replaceChildren();
  for (const year of years) {
    yearBody.append(el("tr", {},
      el("th", { scope: "row" }, dateSpan(year.start, year.end)),
      el("td", { class: "num" }, String(year.visits)),
      el("td", { class: "num" }, dollars(year.net_patient_cost))));
  }
}

function renderWarnings(answer) {
  const list = $("warnings");
  list.replaceChildren();
  for (const warning of answer.warnings) {
    list.append(el("li", { "data-code": warning.code }, warning.message));
  }
  $("warnings-block").hidden = !answer.warnings.length;
}

function render(answer) {
  lastAnswer = answer;
  $("results").hidden = false;
  $("results-notice").textContent = answer.notice.replace(/^This is an estimate[^.]*\.\s*/, "");
  renderTotals(answer);
  renderRange(answer);
  renderPrograms(answer);
  renderLegend(answer.phase_kinds);
  renderChart(answer);
  renderMonthTable(answer);
  renderPhases(answer);
  renderWarnings(answer);
  const main = totalsRows(answer).find(([id]) => id === "total");
  $("status").textContent = `Estimate ready: ${main[1].toLowerCase()} ${dollars(main[2])}.`
    + (answer.warnings.length ? ` ${answer.warnings.length} things to know below.` : "");
}

// ---- talking to the API -----------------------------------------------------------------

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

async function submit(event) {
  event.preventDefault();
  clearErrors();
  const button = $("submit");
  button.disabled = true;
  $("results").setAttribute("aria-busy", "true");
  $("status").textContent = "Estimating…";
  try {
    const response = await fetch(root.dataset.estimateUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(requestFromForm()),
    });
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      render(body);
    } else if (response.status === 422) {
      $("status").textContent = "";
      $("results").hidden = true;  // an answer to other figures would mislead
      showFieldErrors(body.errors);
    } else if (response.status === 429) {
      const wait = response.headers.get("Retry-After") || "60";
      showFormError(`Too many estimates in a short time: please wait ${wait} seconds and `
        + "try again.");
      $("status").textContent = "";
    } else {
      showFormError(body.message || "Something went wrong; please try again later.");
      $("status").textContent = "";
    }
  } catch {
    showFormError("The estimate could not be loaded; check your connection and try again.");
    $("status").textContent = "";
  } finally {
    button.disabled = false;
    $("results").removeAttribute("aria-busy");
  }
}

async function start() {
  form.addEventListener("change", syncForm);
  form.addEventListener("submit", submit);
  $("start_date").value = defaultStart();
  let resizeTimer;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => lastAnswer && renderChart(lastAnswer), 150);
  });
  try {
    [plans, payers] = await Promise.all([getJson(root.dataset.plansUrl),
      getJson(root.dataset.payersUrl)]);
  } catch {
    showFormError("The calculator could not load the treatments; please reload the page.");
    return;
  }
  fill($("plan"), plans, null);
  fill($("payer"), payers, "Choose your insurer");
  syncForm();
  root.dataset.ready = "true";
}

start();
