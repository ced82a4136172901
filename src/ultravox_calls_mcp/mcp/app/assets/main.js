// main.js — connects to the host with the official App class, learns the call id from
// show_call's input or result, pages the timeline in through the app-only tool, follows the
// host's theme and size, and keeps the timeline, the transcript and the player in step.

const app = new ExtApps.App(
  { name: "ultravox-call-viewer", version: "1.0.0" },
  { availableDisplayModes: ["inline", "fullscreen"] },
);

const model = {
  callId: null,
  generation: 0,
  header: null,
  messages: [],
  byKey: new Map(), // "stage:index" -> message
  timed: [], // messages with a start, sorted by start once loading ends
  stageIds: new Map(), // stage number -> call stage id
  selected: null,
};

const statusLine = byId("status");
const player = new Player(app);
const timeline = new TimelineView((key) => pick(key, "timeline"));
const transcript = new TranscriptView((key) => pick(key, "transcript"));
timeline.onUserScroll((seconds) => transcript.followTime(seconds, model.timed));

function setStatus(text, isError = false) {
  statusLine.textContent = text;
  statusLine.classList.toggle("error", isError);
}

// Keys: m<position> is a message; t, r and u<stage>:<index> point at the tool call, the
// agent reply or the caller turn that a tool span, reply gap or mark stands for.
function messageForKey(key) {
  if (key[0] === "m") return model.messages[Number(key.slice(1))] ?? null;
  return model.byKey.get(key.slice(1)) ?? null;
}

function pick(key, from) {
  const message = messageForKey(key);
  if (message === null) return;
  select(message, from);
  if (from === "transcript" && (message.role === "agent" || message.role === "user")) {
    player.playMessage(message, model.stageIds.get(message.stage));
  }
}

function select(message, from) {
  const previous = model.selected;
  for (const node of [previous?.bar, previous?.line]) {
    node?.classList.remove("selected");
    node?.removeAttribute("aria-current");
  }
  model.selected = message;
  for (const node of [message.bar, message.line]) {
    node?.classList.add("selected");
    node?.setAttribute("aria-current", "true");
  }
  if (message.line) {
    transcript.lines.setCurrent(message.line);
    if (from !== "transcript") transcript.reveal(message.line);
  }
  if (message.bar) {
    timeline.speech.setCurrent(message.bar);
    if (from !== "timeline") timeline.reveal(message.bar);
  }
  player.setMoment(message.start);
}

function addFigure(list, name, value, slow = false) {
  const row = el("div");
  row.append(el("dt", "", name), el("dd", slow ? "slow" : "", value));
  list.append(row);
}

function showHeader(header, callId) {
  model.header = header;
  for (const stage of header.stages) model.stageIds.set(stage.number, stage.stageId);
  byId("title").textContent = `Call ${header.callId || callId}${header.live ? " (in progress)" : ""}`;
  const m = header.metrics;
  const slowTurns = m.turns.filter((t) => t.slow || (t.latency ?? 0) > header.slowSeconds).length;
  const longestAir = m.deadAir.reduce((most, d) => Math.max(most, d.seconds ?? 0), 0);
  const failedTools = header.tools.filter((t) => t.failed).length;
  const share = m.talkShare;
  const figures = document.createDocumentFragment();
  addFigure(figures, "Length", clock(header.span.end - header.span.start));
  addFigure(figures, "Reply p50", secondsText(m.latency.p50));
  addFigure(figures, "p90", secondsText(m.latency.p90), (m.latency.p90 ?? 0) > header.slowSeconds);
  addFigure(figures, "max", secondsText(m.latency.max), (m.latency.max ?? 0) > header.slowSeconds);
  addFigure(figures, "First word", secondsText(m.timeToFirstWord));
  addFigure(figures, "Slow replies", String(slowTurns), slowTurns > 0);
  addFigure(figures, "Barge-ins", String(m.bargeIns.length));
  addFigure(figures, "Talk-over", String(m.talkOvers.length), m.talkOvers.length > 0);
  addFigure(figures, "Dead air", m.deadAir.length ? `${m.deadAir.length} (longest ${secondsText(longestAir)})` : "none", m.deadAir.length > 0);
  addFigure(figures, "Tool failures", String(failedTools), failedTools > 0);
  if (finite(share.agentPercent) !== null) {
    addFigure(figures, "Talk", `agent ${Math.round(share.agentPercent)}% · caller ${Math.round(finite(share.userPercent) ?? 0)}% · silence ${Math.round(finite(share.silencePercent) ?? 0)}%`);
  }
  if (header.clock) addFigure(figures, "Clock", header.clock);
  byId("figures").replaceChildren(figures);
  timeline.setHeader(header);
  renderEvents(header.events);
}

function addMessages(messages) {
  for (const message of messages) {
    message.id = model.messages.length;
    model.messages.push(message);
    model.byKey.set(`${message.stage}:${message.index}`, message);
    if (message.start !== null) model.timed.push(message);
  }
  timeline.addSpeech(messages);
  transcript.addMessages(messages);
}

function fail(text) {
  setStatus(text, true);
  byId("viewer").setAttribute("aria-busy", "false");
  document.body.dataset.state = "error";
}

function finish() {
  model.timed.sort((a, b) => a.start - b.start);
  const untimed = model.messages.length - model.timed.length;
  const parts = [`${model.messages.length} messages`];
  if (untimed > 0) parts.push(`${untimed} without timing (listed, not drawn)`);
  if (model.header?.live) parts.push("the call is still going: this is the timeline so far");
  setStatus(`${parts.join(" · ")}. Pick a line to hear it.`);
  byId("viewer").setAttribute("aria-busy", "false");
  performance.mark("viewer:ready");
  requestAnimationFrame(() => requestAnimationFrame(() => performance.mark("viewer:painted")));
  document.body.dataset.state = "ready";
}

async function load(callId) {
  if (callId === null || callId === model.callId) return;
  if (model.callId !== null) return; // one call per view: show_call opens a new view per call
  model.callId = callId;
  const generation = ++model.generation;
  player.ready(callId);
  byId("title").textContent = `Call ${callId}`;
  setStatus("Loading the call's timeline…");
  performance.mark("viewer:first-request");
  const seen = new Set();
  let cursor = null;
  for (let page = 0; page < CONTRACT.maxTimelinePages; page += 1) {
    const args = cursor === null ? { call_id: callId } : { call_id: callId, cursor };
    let result;
    const asked = performance.now();
    try {
      result = await app.callServerTool({ name: CONTRACT.tools.timeline, arguments: args });
      performance.measure("viewer:fetch", { start: asked });
    } catch (error) {
      fail(`Could not load the timeline: ${plainText(error?.message, 300)}`);
      return;
    }
    if (generation !== model.generation) return;
    if (result?.isError) {
      fail(resultText(result) || "The server could not give this call's timeline.");
      return;
    }
    const body = resultObject(result);
    if (body === null) {
      fail("The timeline answer held no data.");
      return;
    }
    const started = performance.now();
    if (page === 0) showHeader(readHeader(body), callId);
    const { messages, nextCursor } = readPage(body);
    addMessages(messages);
    performance.measure("viewer:render", { start: started });
    if (nextCursor === null) {
      finish();
      return;
    }
    if (seen.has(nextCursor)) {
      fail("The server sent the same page cursor twice; loading stopped.");
      return;
    }
    seen.add(nextCursor);
    cursor = nextCursor;
    setStatus(`Loading the call's timeline… ${model.messages.length} messages so far`);
  }
  fail(`Loading stopped after ${CONTRACT.maxTimelinePages} pages.`);
}

function applyHostContext(context) {
  if (!context) return;
  if (context.theme === "dark" || context.theme === "light") ExtApps.applyDocumentTheme(context.theme);
  if (context.styles?.variables) ExtApps.applyHostStyleVariables(context.styles.variables);
  const size = context.containerDimensions;
  if (size) document.documentElement.classList.toggle("fill-height", "height" in size);
  const insets = context.safeAreaInsets;
  if (insets) {
    const px = (value) => `${Math.max(0, finite(value) ?? 0)}px`;
    document.body.style.margin = `${px(insets.top)} ${px(insets.right)} ${px(insets.bottom)} ${px(insets.left)}`;
  }
}

byId("zoom-in").addEventListener("click", () => timeline.setZoom(timeline.zoom * 2));
byId("zoom-out").addEventListener("click", () => timeline.setZoom(timeline.zoom / 2));

// Handlers first: the host may send the tool input right after the handshake.
app.addEventListener("toolinput", (params) => load(callIdFrom(params?.arguments)));
app.addEventListener("toolresult", (params) => {
  if (params?.isError) {
    if (model.callId === null) fail(resultText(params) || "show_call failed.");
    return;
  }
  load(callIdFrom(params?.structuredContent));
});
app.addEventListener("toolcancelled", () => {
  if (model.callId === null) fail("The host cancelled show_call before it gave a call.");
});
app.addEventListener("hostcontextchanged", (params) => applyHostContext(params));

app.connect().then(
  () => applyHostContext(app.getHostContext()),
  (error) => fail(`Could not connect to the host: ${plainText(error?.message, 300)}`),
);
