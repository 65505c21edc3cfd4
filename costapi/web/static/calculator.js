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

let plans = [];  // every plan: names and schedules
let payers = [];
let lastAnswer = null;
const plansByPayer = new Map();

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

const PERCENT = /^(\d{0,3})(?:\.(\d{1,3}))?\s*(%?)$/;

// "20" or "20 %" (percent) -> "0.20" (the API's fraction), exactly; anything else is sent
// as typed and the API names the problem.
export function percentToFraction(text) {
  const match = PERCENT.exec(text.trim());
  if (!match || !(match[1] || match[2])) return text;
  const digits = (match[1] + (match[2] || "")).replace(/^0+(?=\d)/, "");
  const decimals = (match[2] || "").length + 2;
  const padded = digits.padStart(decimals + 1, "0");
  return `${padded.slice(0, padded.length - decimals)}.${padded.slice(-decimals)}`;
}

// "0.2" -> "20": the percentage a fraction stands for, exactly, as text
export function fractionToPercent(text) {
  const [, decimals = ""] = text.trim().replace(/%$/, "").trim().split(".");
  const padded = decimals.padEnd(2, "0");
  const whole = String(Number(padded.slice(0, 2)));
  const rest = padded.slice(2).replace(/0+$/, "");
  return rest ? `${whole}.${rest}` : whole;
}

// A coinsurance typed between 0 and 1 without a "%" (e.g. "0.2") may be a fraction (20 %)
// or a percentage (0.2 %): the page asks, it never guesses.
export function ambiguousCoinsurance(text) {
  const match = PERCENT.exec(text.trim());
  if (!match || match[3] || !match[2] || Number(match[1] || "0") !== 0) return false;
  return Number(match[2]) > 0;
}

function percentText(fraction) {
  return `${fractionToPercent(fraction)} %`;
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
  const about = plan.description ? `${plan.description} ` : "";
  const parts = plan.phases.filter((p) => p.sessions || p.sessions_max).map((p) => {
    const range = p.sessions_max ? ` (${p.sessions_min ?? 0} to ${p.sessions_max})` : "";
    const visits = p.sessions === 1 ? "1 visit" : `${p.sessions} visits`;
    const cadence = p.cadence === "one visit" ? "" : `, ${p.cadence}`;
    return `${phaseLabel(p.name)}: ${visits}${range}${cadence}`;
  });
  return `${about}${plan.visits} visits as planned. ${parts.join("; ")}.`;
}

function describeCoverage() {
  const plan = plans.find((p) => p.code === $("plan").value);
  const payer = payers.find((p) => p.code === $("payer").value);
  if (!plan || !payer) return "";
  const item = payer.coverage.find((c) => c.modality === plan.modality);
  return item ? `${payer.name}, this treatment: ${item.label.toLowerCase()}.` : "";
}

function syncForm(event) {
  const insured = form.elements.coverage.value === "insurance";
  $("insurance").hidden = !insured;
  if (event && event.target && event.target.id === "plan") $("plan-note").hidden = true;
  $("plan-help").textContent = describePlan(plans.find((p) => p.code === $("plan").value));
  $("payer-help").textContent = describeCoverage();
  const key = insured ? $("payer").value : "";
  if (key !== (root.dataset.plansFor || "")) refreshPlans(key);
}

function fill(select, items, placeholder) {
  select.replaceChildren();
  if (placeholder) select.append(el("option", { value: "" }, placeholder));
  for (const item of items) select.append(el("option", { value: item.code }, item.name));
}

// Only the plans that fit the chosen payer (all of them for self-pay). A plan picked before
// that does not fit is not swapped silently for another: the patient is told and chooses.
async function refreshPlans(key) {
  root.dataset.plansFor = key;
  delete root.dataset.plansReady;
  let list = key ? plansByPayer.get(key) : plans;
  if (!list) {
    try {
      list = await getJson(`${root.dataset.plansUrl}?payer=${encodeURIComponent(key)}`);
    } catch {
      list = plans;  // the API checks the plan against the payer anyway
    }
    plansByPayer.set(key, list);
  }
  if (root.dataset.plansFor !== key) return;  // the patient changed the payer meanwhile
  const select = $("plan");
  const current = select.value;
  const fits = list.some((p) => p.code === current);
  fill(select, list, fits || !current ? null : "Choose a treatment");
  const note = $("plan-note");
  if (current && !fits) {
    const plan = plans.find((p) => p.code === current);
    const payer = payers.find((p) => p.code === key);
    select.value = "";
    note.textContent = `${plan ? plan.name : "The treatment you picked"} is not offered with `
      + `${payer ? payer.name : "this insurer"}. Please choose one of the treatments listed.`;
    note.hidden = false;
    $("status").textContent = note.textContent;
  } else {
    if (current) select.value = current;
    note.hidden = true;
  }
  $("plan-help").textContent = describePlan(plans.find((p) => p.code === select.value));
  $("payer-help").textContent = describeCoverage();
  root.dataset.plansReady = "true";
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
  const accumulator = data.copay_accumulator.value;
  if (accumulator) body.copay_accumulator = accumulator;
  if (data.patient_state.value) body.patient_state = data.patient_state.value;
  return body;
}

// ---- the coinsurance question -----------------------------------------------------------

function hideQuestion() {
  $("coinsurance-question").hidden = true;
}

function askCoinsurance(typed) {
  const percent = fractionToPercent(typed);
  const plain = typed.trim();
  $("coinsurance-question-text").textContent = `You typed ${plain}. Did you mean ${percent} %?`;
  const asPercent = $("coinsurance-as-percent");
  const asTyped = $("coinsurance-as-typed");
  asPercent.textContent = `${percent} %`;
  asPercent.dataset.value = percent;
  asTyped.textContent = `${plain} %`;
  asTyped.dataset.value = `${plain} %`;
  $("coinsurance-question").hidden = false;
  $("coinsurance").setAttribute("aria-describedby",
    "coinsurance-help coinsurance-question-text coinsurance-error");
  $("status").textContent = `Please check your coinsurance: did you mean ${percent} %?`;
  asPercent.focus();
}

function answerCoinsurance(event) {
  $("coinsurance").value = event.currentTarget.dataset.value;
  hideQuestion();
  form.requestSubmit();
}

// ---- checks before sending (the API checks everything again) ----------------------------

function checkForm() {
  const errors = {};
  if (!$("plan").value) errors.plan = ["Choose a treatment."];
  if (!$("start_date").value) errors.start_date = ["Enter the date of your first visit."];
  return Object.keys(errors).length ? { json: errors } : null;
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

// The API's words where they are plain; otherwise what to type, in plain words.
function messageFor(name, messages) {
  const text = [].concat(messages).flat().join(" ");
  if (name === "coinsurance" && /fraction|number|decimal|valid/i.test(text)) {
    return "Enter your coinsurance as a percentage from 0 to 100, for example 20.";
  }
  if (MONEY_FIELDS.includes(name) && /not a valid|number|decimal|string|places|amount in/i
    .test(text)) {
    return "Enter an amount in dollars, for example 1500 or 1,500.00.";
  }
  if ((name === "start_date" || name === "plan_year_start") && /not a valid|date/i.test(text)
    && !/after|before|within|than/i.test(text)) {
    return "Enter a full date (month, day and year).";
  }
  if (name === "plan" && /unknown|missing|valid/i.test(text)) return "Choose a treatment.";
  if (name === "payer" && /unknown|missing|valid/i.test(text) && !/choose/i.test(text)) {
    return "Choose your insurer from the list.";
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

// What the clinic may not bill the patient (services the plan does not pay for, which the
// clinic is responsible for unless the patient signs a waiver), in cents; 0 from an API
// without the figure.
function notBilled(answer) {
  return answer.totals.clinic_write_off ? toCents(answer.totals.clinic_write_off) : 0;
}

// Warnings shown beside the totals rather than under "Things to know".
const SUMMARY_WARNINGS = ["clinic_liability"];

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
  if (notBilled(answer) > 0) {
    rows.push(["not-billed", "Not billed to you (your plan does not pay for it)",
      t.clinic_write_off]);
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
  // a range of one figure (every length costs the same, e.g. $0.00) says nothing
  const spread = answer.range && toCents(answer.range.low) !== toCents(answer.range.high);
  node.hidden = !spread;
  if (spread) {
    node.textContent = "Some phases can be shorter or longer. Depending on how many visits "
      + `you need, you would pay between ${dollars(answer.range.low)} and `
      + `${dollars(answer.range.high)}.`;
  }
}

function renderFirstVisit(answer) {
  const node = $("first-visit");
  const visit = answer.first_visit;
  node.hidden = !visit;
  if (!visit) return;
  const back = toCents(visit.patient_pays) - toCents(visit.net_patient_cost);
  const moved = visit.date !== answer.start_date
    ? `, not ${shortDate(answer.start_date)}: see Things to know` : "";
  node.replaceChildren(`Your first visit (${shortDate(visit.date)}${moved}): `,
    el("strong", { id: "first-visit-amount" }, dollars(visit.patient_pays)),
    back > 0 ? ` (${dollars(visit.net_patient_cost)} after you are paid back)` : "");
}

// The same sentence wherever a program applied: the figure with it (enrolling needed) and
// without it; with an accumulator question when the plan may not credit the program.
function renderPrograms(answer, sent) {
  const block = $("programs-block");
  const applied = answer.programs.length > 0 && answer.without_programs !== null;
  block.hidden = !applied;
  const note = $("accumulator-note");
  note.hidden = true;
  if (!applied) return;
  const names = answer.programs.map((p) => `the ${p.name}`).join(" and ");
  const one = answer.programs.length === 1;
  const accumulator = sent.copay_accumulator === "yes"
    ? "; your plan does not count what it pays" : "";
  $("programs").replaceChildren(
    `With ${names} (you need to enroll${accumulator}): `,
    el("strong", { id: "with-programs" }, dollars(answer.totals.net_patient_cost)),
    `. Without ${one ? "it" : "them"}: `,
    el("strong", { id: "without-programs" }, dollars(answer.without_programs)), ".");
  if (answer.with_accumulator !== null && answer.with_accumulator !== undefined) {
    note.replaceChildren("If your plan has a copay accumulator, you could pay ",
      el("strong", { id: "with-accumulator" }, dollars(answer.with_accumulator)),
      ` with ${one ? "the program" : "the programs"}: what ${one ? "it pays" : "they pay"} `
      + "would not count toward your deductible and out-of-pocket maximum.");
    note.hidden = false;
  }
}

const NOT_GIVEN = "Not given";

function typedMoney(value) {
  return value === undefined ? NOT_GIVEN : dollars(value);
}

// Every figure the patient gave, as the estimate used it, beside the result.
function renderRecap(answer, sent) {
  const rows = [
    ["plan", "Treatment", answer.plan_name],
    ["start_date", "First visit on or after", shortDate(answer.start_date)],
    ["coverage", "How you pay", sent.coverage === "insurance" ? "With insurance"
      : "No insurance (cash prices)"],
  ];
  if (sent.coverage === "insurance") {
    const payer = answer.coverage.payer;
    rows.push(["payer", "Insurer", payer ? payer.name : sent.payer]);
    rows.push(["network", "Network", answer.coverage.network === "out" ? "Out of network"
      : "In network"]);
    rows.push(["patient_state", "State", sent.patient_state || NOT_GIVEN]);
    rows.push(["deductible", "Deductible", typedMoney(sent.deductible)]);
    rows.push(["deductible_met", "Deductible already met", typedMoney(sent.deductible_met)]);
    rows.push(["coinsurance", "Coinsurance", sent.coinsurance === undefined ? NOT_GIVEN
      : percentText(sent.coinsurance)]);
    rows.push(["copay", "Copay per office visit", typedMoney(sent.copay)]);
    rows.push(["out_of_pocket_max", "Out-of-pocket maximum",
      typedMoney(sent.out_of_pocket_max)]);
    rows.push(["out_of_pocket_met", "Out-of-pocket already spent",
      typedMoney(sent.out_of_pocket_met)]);
    rows.push(["plan_year_start", "Plan year starts", shortDate(answer.coverage.plan_year_start)
      + (sent.plan_year_start ? "" : " (you left it empty)")]);
    if (sent.copay_accumulator && answer.programs.length) {
      rows.push(["copay_accumulator", "Copay accumulator",
        { yes: "Yes", no: "No", unknown: "I don't know" }[sent.copay_accumulator]]);
    }
  }
  $("recap-list").replaceChildren(...rows.map(([field, label, value]) => el("div",
    { "data-field": field }, el("dt", {}, label), el("dd", {}, value))));
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

function otherWarnings(answer) {
  return answer.warnings.filter((w) => !SUMMARY_WARNINGS.includes(w.code));
}

// Services the clinic may not bill the patient for: what they pay without a waiver ($0)
// and with one (the cash price), in the engine's words, right under the totals.
function renderClinicLiability(answer) {
  const box = $("clinic-liability");
  const warnings = answer.warnings.filter((w) => SUMMARY_WARNINGS.includes(w.code));
  box.hidden = !warnings.length;
  box.replaceChildren(...warnings.map((w) => el("p", { "data-code": w.code }, w.message)));
}

function renderWarnings(answer) {
  const list = $("warnings");
  list.replaceChildren();
  const warnings = otherWarnings(answer);
  for (const warning of warnings) {
    list.append(el("li", { "data-code": warning.code }, warning.message));
  }
  $("warnings-block").hidden = !warnings.length;
}

function render(answer, sent) {
  lastAnswer = answer;
  $("results").hidden = false;
  $("results-notice").textContent = answer.notice.replace(/^This is an estimate[^.]*\.\s*/, "");
  renderTotals(answer);
  renderFirstVisit(answer);
  renderClinicLiability(answer);
  renderRange(answer);
  renderPrograms(answer, sent);
  renderRecap(answer, sent);
  renderLegend(answer.phase_kinds);
  renderChart(answer);
  renderMonthTable(answer);
  renderPhases(answer);
  renderWarnings(answer);
  const main = totalsRows(answer).find(([id]) => id === "total");
  const notes = otherWarnings(answer).length;
  const spared = notBilled(answer) > 0
    ? ` ${dollars(answer.totals.clinic_write_off)} is not billed to you: see below the totals.`
    : "";
  $("status").textContent = `Estimate ready: ${main[1].toLowerCase()} ${dollars(main[2])}.`
    + spared + (notes ? ` ${notes} things to know below.` : "");
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
  const insured = form.elements.coverage.value === "insurance";
  if (insured && ambiguousCoinsurance($("coinsurance").value)) {
    askCoinsurance($("coinsurance").value);
    return;  // nothing is sent until the patient says which they meant
  }
  hideQuestion();
  const problems = checkForm();
  if (problems) {
    $("results").hidden = true;
    showFieldErrors(problems);
    return;
  }
  const sent = requestFromForm();
  const button = $("submit");
  button.disabled = true;
  $("results").setAttribute("aria-busy", "true");
  $("status").textContent = "Estimating…";
  try {
    const response = await fetch(root.dataset.estimateUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(sent),
    });
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      render(body, sent);
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
  $("coinsurance").addEventListener("input", hideQuestion);
  $("coinsurance-as-percent").addEventListener("click", answerCoinsurance);
  $("coinsurance-as-typed").addEventListener("click", answerCoinsurance);
  // the accumulator question sits beside the program's figures: an answer re-estimates
  for (const radio of document.querySelectorAll("input[name=copay_accumulator]")) {
    radio.addEventListener("change", () => form.requestSubmit());
  }
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
  root.dataset.plansFor = "";
  root.dataset.plansReady = "true";
  syncForm();
  root.dataset.ready = "true";
}

start();
