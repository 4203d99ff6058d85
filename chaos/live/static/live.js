// chaosrun's live view: follows /events (Server-Sent Events) and draws the run as it goes.
// Everything shown is set with textContent or SVG attributes, never parsed as HTML.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const W = 800, H = 240, PAD = 36;
let run = null;       // the run being shown
let lastId = 0;       // the last event seen (the browser resumes after it on a reconnect)
let countdown = null; // [the pause's end as Date.now(), the timer]

function $(id) { return document.getElementById(id); }
function text(id, value) { $(id).textContent = value; }

function newRun(event) {
  run = {
    title: String(event.title || ""), seconds: [], activities: [], transitions: [],
    gates: (event.gates || []).map((g) => ({ text: String(g), state: "pending", shown: "" })),
    measureAt: null, methodStarted: false, ended: false,
  };
  text("title", run.title);
  text("verdict", ""); $("verdict").className = "verdict";
  text("score", ""); text("breaker", "not measured");
  $("transitions").replaceChildren(); $("activities").replaceChildren();
  document.title = "chaosrun live: " + run.title;
  setPhase("hypothesis before");
  drawChart(); drawTimeline(); drawGates();
}

function setPhase(phase) {
  text("phase", phase);
  document.body.dataset.phase = phase;
  if (!phase.startsWith("pause")) stopCountdown();
}

function stopCountdown() {
  if (countdown) clearInterval(countdown[1]);
  countdown = null;
  text("countdown", "");
}

function startCountdown(seconds) {
  stopCountdown();
  const end = Date.now() + seconds * 1000;
  const tick = () => {
    const left = Math.max(0, (end - Date.now()) / 1000);
    text("countdown", left.toFixed(1) + " s left");
    if (left <= 0) stopCountdown();
  };
  countdown = [end, setInterval(tick, 100)];
  tick();
}

const handlers = {
  start: newRun,
  act(e) { text("act", String(e.title || "")); },
  activity_start(e) {
    if (e.phase === "method") run.methodStarted = true;
    const phase = e.phase === "hypothesis"
      ? (run.methodStarted ? "hypothesis after" : "hypothesis before")
      : (e.phase === "rollback" ? "rollbacks" : "method");
    setPhase(phase);
    run.activities.push({ name: String(e.name), phase: e.phase, t0: e.t, t1: null, status: null });
    drawTimeline();
  },
  activity_end(e) {
    const a = [...run.activities].reverse().find((x) => x.name === String(e.name) && x.t1 === null);
    if (a) { a.t1 = e.t; a.status = e.status; }
    drawTimeline();
  },
  pause(e) {
    setPhase("pause");
    run.activities.push({ name: "pause " + e.seconds + "s", phase: "pause", t0: e.t, t1: e.t + e.seconds, status: "" });
    startCountdown(Number(e.seconds) || 0);
    drawTimeline();
  },
  hypothesis(e) { note(e.t, `hypothesis ${e.phase}: ${e.met ? "met" : "NOT met"}`); },
  measurement_start(e) { run.measureAt = e.t; },
  samples(e) {
    run.seconds.push(e);
    if (e.breaker) showBreaker(e.breaker);
    judgeGates();
    drawChart();
  },
  breaker(e) {
    run.transitions.push(e);
    const li = document.createElement("li");
    li.textContent = `${Number(e.t).toFixed(1)} s: ${e.from_state} → ${e.to_state}`;
    $("transitions").append(li);
    showBreaker(e.to_state);
  },
  gate(e) {
    const g = run.gates.find((x) => x.text === String(e.gate));
    if (g) { g.state = e.passed ? "met" : "broken"; g.shown = String(e.shown ?? ""); g.final = true; }
    drawGates();
  },
  abort(e) { note(e.t, "aborted: " + String(e.reason || "")); },
  end(e) {
    run.ended = true;
    setPhase("ended");
    const shown = e.deviated ? "deviated" : String(e.status);
    text("verdict", shown);
    $("verdict").className = "verdict " + shown;
    if (e.score && e.score.value !== undefined) text("score", "score " + e.score.value + "/100");
    const li = document.createElement("li");
    const act = $("act").textContent;
    li.textContent = `${act ? act + " — " : ""}${run.title}: ${shown}` + (e.score && e.score.value !== undefined ? ` (score ${e.score.value})` : "");
    $("runs").append(li);
    $("runs-section").hidden = false;
  },
};

function note(t, what) {
  run.activities.push({ name: what, phase: "note", t0: t, t1: t, status: "" });
  drawTimeline();
}

function showBreaker(state) {
  const b = $("breaker");
  b.textContent = String(state);
  b.className = "state-" + String(state).replace(/[^a-z_]/g, "");
}

// A gate's state while the run goes: met so far, or at risk (the measurement so far breaks it).
function judgeGates() {
  let requests = 0, ok = 0, p50 = 0, p99 = 0;
  for (const s of run.seconds) {
    requests += s.requests; ok += s.ok;
    p50 = Math.max(p50, s.p50_ms || 0); p99 = Math.max(p99, s.p99_ms || s.max_ms || 0);
  }
  const seen = { availability: requests ? (100 * ok) / requests : 100, p50: p50, p99: p99 };
  for (const g of run.gates) {
    if (g.final) continue;
    const m = /^\s*(availability|p50|p99)\s*(<=|>=|<|>)\s*([\d.]+)\s*(%|ms|s)?\s*$/.exec(g.text);
    if (!m) continue;
    let bound = Number(m[3]);
    if (m[4] === "s") bound *= 1000;
    const value = seen[m[1]];
    const holds = { "<=": value <= bound, ">=": value >= bound, "<": value < bound, ">": value > bound }[m[2]];
    g.state = holds ? "met" : "at-risk";
    g.shown = m[1] === "availability" ? value.toFixed(2) + "%" : Math.round(value) + " ms";
  }
  drawGates();
}

function drawGates() {
  const list = $("gates");
  if (!run.gates.length) { const li = document.createElement("li"); li.className = "muted"; li.textContent = "none"; list.replaceChildren(li); return; }
  list.replaceChildren(...run.gates.map((g) => {
    const li = document.createElement("li");
    li.className = "gate " + g.state;
    li.dataset.state = g.state;
    const label = { met: g.final ? "met" : "met so far", "at-risk": "at risk", broken: "broken", pending: "waiting" }[g.state];
    li.textContent = `${g.text}: ${label}` + (g.shown ? ` (seen ${g.shown})` : "");
    return li;
  }));
}

function el(name, attrs, content) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (content !== undefined) node.textContent = content;
  return node;
}

// Two panels on one time axis: availability per second above, p50 and p99 latency below.
function drawChart() {
  const svg = $("chart");
  const secs = run ? run.seconds : [];
  svg.dataset.points = String(secs.length);
  const n = Math.max(10, secs.length);
  const maxMs = Math.max(100, ...secs.map((s) => s.p99_ms || s.max_ms || 0));
  const top = [12, 104], bottom = [130, H - 22]; // each panel's [y of its top, y of its base]
  const x = (i) => PAD + (i * (W - 2 * PAD)) / (n - 1 || 1);
  const yAvail = (v) => top[1] - (v / 100) * (top[1] - top[0]);
  const yMs = (v) => bottom[1] - (v / maxMs) * (bottom[1] - bottom[0]);
  const nodes = [
    el("line", { x1: PAD, y1: top[1], x2: W - PAD, y2: top[1], class: "axis" }),
    el("line", { x1: PAD, y1: bottom[1], x2: W - PAD, y2: bottom[1], class: "axis" }),
    el("text", { x: 2, y: top[0] + 10, class: "tick" }, "100%"),
    el("text", { x: 2, y: top[1], class: "tick" }, "0%"),
    el("text", { x: 2, y: bottom[0] + 10, class: "tick" }, Math.round(maxMs) + "ms"),
    el("text", { x: 2, y: bottom[1], class: "tick" }, "0ms"),
    el("text", { x: PAD, y: H - 4, class: "tick" }, "0 s"),
    el("text", { x: W - PAD - 24, y: H - 4, class: "tick" }, n - 1 + " s"),
  ];
  const path = (fy) => secs.map((s, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${fy(s).toFixed(1)}`).join(" ");
  if (secs.length) {
    nodes.push(el("path", { d: path((s) => yAvail(s.requests ? (100 * s.ok) / s.requests : 100)), class: "line avail", id: "avail-line" }));
    nodes.push(el("path", { d: path((s) => yMs(s.p50_ms || 0)), class: "line p50" }));
    nodes.push(el("path", { d: path((s) => yMs(s.p99_ms || s.max_ms || 0)), class: "line p99" }));
    const last = secs[secs.length - 1];
    text("latest", `second ${last.second}: ${last.ok}/${last.requests} ok, p50 ${fmt(last.p50_ms)}, p99 ${fmt(last.p99_ms)}`);
  } else {
    text("latest", "");
  }
  svg.replaceChildren(...nodes);
}

function fmt(ms) { return ms === null || ms === undefined ? "–" : Math.round(ms) + " ms"; }

function drawTimeline() {
  const svg = $("timeline");
  const acts = run ? run.activities : [];
  const end = Math.max(1, ...acts.map((a) => a.t1 ?? a.t0));
  const x = (t) => 4 + (t / end) * (W - 8);
  svg.replaceChildren(...acts.filter((a) => a.phase !== "note").map((a) => {
    const t1 = a.t1 ?? end;
    const bar = el("rect", { x: x(a.t0), y: 8, width: Math.max(2, x(t1) - x(a.t0)), height: 24, class: "bar " + a.phase });
    bar.append(el("title", {}, `${a.name} (${a.phase}) ${Number(a.t0).toFixed(1)}–${Number(t1).toFixed(1)} s ${a.status || ""}`));
    return bar;
  }));
  $("activities").replaceChildren(...acts.filter((a) => a.phase !== "pause").map((a) => {
    const li = document.createElement("li");
    li.textContent = a.phase === "note" ? a.name : `${a.phase}: ${a.name}` + (a.status ? ` — ${a.status}` : " …");
    return li;
  }));
}

function connect() {
  // EventSource sends Last-Event-ID itself when it reconnects; a new page starts from the top.
  const source = new EventSource("/events");
  source.onopen = () => text("connection", "live");
  source.onerror = () => text("connection", "reconnecting…");
  source.onmessage = (message) => {
    lastId = Number(message.lastEventId) || lastId;
    const event = JSON.parse(message.data);
    if (!run && event.event !== "start" && event.event !== "act") return;
    const handle = handlers[event.event];
    if (handle) handle(event);
  };
  source.addEventListener("closed", () => {
    source.close();
    text("connection", "the run is over");
  });
}

document.addEventListener("DOMContentLoaded", () => { drawChart(); connect(); });
