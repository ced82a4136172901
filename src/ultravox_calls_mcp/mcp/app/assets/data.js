// data.js — the timeline JSON (untrusted: it carries what callers and tools said) read into
// plain records with checked types. Nothing here touches the DOM; every string read here is
// later set with textContent or setAttribute, never parsed as HTML.

const ROLES = new Set(["agent", "user", "toolCall", "toolResult"]);
const SEVERITIES = ["error", "warning", "info"];
const MAX_TEXT = 20000;

function finite(value) {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function plainText(value, max = MAX_TEXT) {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? "";
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function record(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value : {};
}

function items(value) {
  return Array.isArray(value) ? value : [];
}

function readSpan(raw) {
  const span = record(raw);
  const start = finite(span.start) ?? 0;
  const end = finite(span.end) ?? start;
  return { start, end: Math.max(end, start) };
}

function readMessage(raw) {
  const m = record(raw);
  const start = finite(m.start);
  const end = finite(m.end);
  return {
    stage: finite(m.stage) ?? 0,
    index: finite(m.index) ?? 0,
    role: ROLES.has(m.role) ? m.role : "other",
    start,
    // An open end (speech still going, or lost) is drawn as a sliver, not a guess.
    end: end !== null && start !== null && end >= start ? end : start,
    text: plainText(m.text),
    toolName: plainText(m.toolName, 200),
    invocationId: plainText(m.invocationId, 200),
    failed: m.failed === true,
  };
}

function readStage(raw, position) {
  const s = record(raw);
  return {
    number: finite(s.number) ?? position + 1,
    stageId: plainText(s.stageId, 200),
    start: finite(s.start),
    end: finite(s.end),
  };
}

function readTool(raw) {
  const t = record(raw);
  return {
    name: plainText(t.name, 200) || "tool",
    stage: finite(t.stage) ?? 0,
    callIndex: finite(t.callIndex),
    start: finite(t.start),
    end: finite(t.end),
    failed: t.failed === true,
  };
}

function readEvent(raw) {
  const e = record(raw);
  const severity = SEVERITIES.includes(e.severity) ? e.severity : "info";
  return { time: finite(e.time), severity, type: plainText(e.type, 200), text: plainText(e.text, 2000) };
}

function readMetrics(raw) {
  const m = record(raw);
  const latency = record(m.responseLatency);
  return {
    latency: { p50: finite(latency.p50), p90: finite(latency.p90), max: finite(latency.max), count: finite(latency.count) },
    timeToFirstWord: finite(m.timeToFirstWord),
    turns: items(m.turns).map(record).map((t) => ({
      stage: finite(t.stage) ?? 0,
      index: finite(t.index) ?? 0,
      userEnd: finite(t.userEnd),
      agentStart: finite(t.agentStart),
      latency: finite(t.latency),
      slow: t.slow === true,
      tools: items(t.tools).map((name) => plainText(name, 200)),
    })),
    bargeIns: items(m.bargeIns).map(record).map((b) => ({ stage: finite(b.stage) ?? 0, index: finite(b.index) ?? 0, time: finite(b.time), overlap: finite(b.overlap) })),
    talkOvers: items(m.talkOvers).map(record).map((t) => ({ stage: finite(t.stage) ?? 0, index: finite(t.index) ?? 0, time: finite(t.time), latency: finite(t.latency) })),
    deadAir: items(m.deadAir).map(record).map((d) => ({ start: finite(d.start), end: finite(d.end), seconds: finite(d.seconds) })),
    toolWaits: items(m.toolWaits).map(record).map((w) => ({ start: finite(w.start), end: finite(w.end), seconds: finite(w.seconds), tool: plainText(w.tool, 200) })),
    talkShare: record(m.talkShare),
    untimed: finite(m.untimedMessages) ?? 0,
  };
}

// The first page: everything but later pages' messages.
function readHeader(raw) {
  const page = record(raw);
  const thresholds = record(page.thresholds);
  return {
    callId: plainText(page.callId, 200),
    live: page.live === true,
    clock: plainText(page.clock, 200),
    span: readSpan(page.span),
    slowSeconds: finite(thresholds.slowResponseSeconds) ?? 2,
    deadAirSeconds: finite(thresholds.deadAirSeconds) ?? 4,
    stages: items(page.stages).map(readStage),
    tools: items(page.tools).map(readTool),
    events: items(page.events).map(readEvent),
    metrics: readMetrics(page.metrics),
  };
}

function readPage(raw) {
  const page = record(raw);
  const cursor = page.nextCursor;
  return {
    messages: items(page.messages).map(readMessage),
    nextCursor: typeof cursor === "string" && cursor !== "" ? cursor : null,
  };
}

// The JSON object a tool answered with: structuredContent, else a text block holding JSON.
function resultObject(result) {
  const r = record(result);
  if (r.structuredContent && typeof r.structuredContent === "object") return r.structuredContent;
  for (const block of items(r.content)) {
    if (record(block).type !== "text") continue;
    try {
      const parsed = JSON.parse(block.text);
      if (parsed && typeof parsed === "object") return parsed;
    } catch {
      // Not JSON: the caller reports the text itself.
    }
  }
  return null;
}

function resultText(result) {
  return items(record(result).content)
    .filter((block) => record(block).type === "text")
    .map((block) => plainText(block.text, 2000))
    .join("\n");
}

// The first audio block, only with a plain audio/* media type and base64 data.
function resultAudio(result) {
  for (const block of items(record(result).content)) {
    const b = record(block);
    if (b.type !== "audio" || typeof b.data !== "string") continue;
    const mime = typeof b.mimeType === "string" ? b.mimeType.toLowerCase() : "";
    if (!/^audio\/[a-z0-9.+-]+$/.test(mime) || !/^[A-Za-z0-9+/]*={0,2}$/.test(b.data)) continue;
    return { mime, data: b.data };
  }
  return null;
}

// The call id the page should show, from show_call's input or its result.
function callIdFrom(value) {
  const v = record(value);
  const id = typeof v.callId === "string" ? v.callId : v.call_id;
  return typeof id === "string" && id.trim() !== "" ? id.trim() : null;
}

function clock(seconds) {
  if (seconds === null) return "—";
  const whole = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(whole / 3600);
  const mins = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, "0");
  return hours ? `${hours}:${String(mins).padStart(2, "0")}:${secs}` : `${mins}:${secs}`;
}

function preciseClock(seconds) {
  if (seconds === null) return "—";
  const tenths = Math.round(Math.max(0, seconds) * 10); // rounded once: 1.2 s is 0:01.2
  return `${clock(Math.floor(tenths / 10))}.${tenths % 10}`;
}

function secondsText(value) {
  if (value === null) return "—";
  return `${value < 0 ? "−" : ""}${Math.abs(value).toFixed(1)} s`;
}

const ROLE_NAMES = { agent: "Agent", user: "Caller", toolCall: "Tool call", toolResult: "Result", other: "Other" };
