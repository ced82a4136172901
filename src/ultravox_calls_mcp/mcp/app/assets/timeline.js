// timeline.js — the time axis: stage bands, speech bars on two lanes, reply gaps labelled
// against the slow threshold, tool spans (failed ones marked), barge-ins, talk-over, dead air
// and events. Everything is placed by percentage and appended through fragments, so a page
// of messages costs work in proportion to its size.

const TICK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
const TICK_MIN_PX = 70;
const MAX_ZOOM = 64;

class TimelineView {
  constructor(onPick) {
    this.root = byId("timeline");
    this.scroller = byId("timeline-scroll");
    this.lanes = {
      agent: byId("lane-agent"),
      user: byId("lane-user"),
      gaps: byId("lane-gaps"),
      tools: byId("lane-tools"),
      marks: byId("lane-marks"),
      events: byId("lane-events"),
    };
    this.bands = byId("stage-bands");
    this.axis = byId("axis");
    this.scale = null;
    this.zoom = 1;
    this.speech = new RovingGroup(this.root, HORIZONTAL_KEYS);
    this.toolGroup = new RovingGroup(this.root, HORIZONTAL_KEYS);
    this.ignoreScroll = false;
    // One listener for every bar and span: clicks carry the item's key in data-key.
    this.root.addEventListener("click", (event) => {
      const target = event.target.closest?.("[data-key]");
      if (target) onPick(target.dataset.key, target);
    });
    new ResizeObserver(() => this.drawAxis()).observe(this.scroller);
  }

  setHeader(header) {
    this.scale = new Scale(header.span);
    this.header = header;
    this.drawStages(header.stages);
    this.drawAxis();
    this.drawTools(header.tools);
    this.drawGaps(header.metrics.turns, header.slowSeconds);
    this.drawMarks(header.metrics);
    this.drawEvents(header.events);
  }

  drawStages(stages) {
    const fragment = document.createDocumentFragment();
    stages.forEach((stage, position) => {
      const start = stage.start ?? this.scale.start;
      const next = stages[position + 1];
      const end = stage.end ?? next?.start ?? this.scale.start + this.scale.length;
      const band = el("div", "stage-band");
      band.dataset.stage = String(stage.number);
      this.scale.place(band, start, end);
      band.append(el("span", "stage-label", `Stage ${stage.number}`));
      fragment.append(band);
    });
    this.bands.replaceChildren(fragment);
  }

  drawAxis() {
    if (this.scale === null) return;
    const widthPx = Math.max(this.scroller.clientWidth * this.zoom, 1);
    const perSecond = widthPx / this.scale.length;
    const step = TICK_STEPS.find((s) => s * perSecond >= TICK_MIN_PX) ?? TICK_STEPS.at(-1);
    const fragment = document.createDocumentFragment();
    const first = Math.ceil(this.scale.start / step) * step;
    for (let t = first; t <= this.scale.start + this.scale.length + 1e-9; t += step) {
      const tick = el("span", t - this.scale.start < step / 2 ? "tick at-start" : "tick", clock(t));
      this.scale.place(tick, t);
      fragment.append(tick);
    }
    this.axis.replaceChildren(fragment);
  }

  // Bars for the speech of one page of messages; keys are the messages' positions.
  addSpeech(messages) {
    const lanes = { agent: document.createDocumentFragment(), user: document.createDocumentFragment() };
    for (const message of messages) {
      if (!(message.role in lanes) || message.start === null) continue;
      const bar = el("button", `bar ${message.role}`);
      bar.type = "button";
      bar.dataset.key = `m${message.id}`;
      const words = message.text.length > 140 ? `${message.text.slice(0, 140)}…` : message.text;
      bar.setAttribute("aria-label", `${ROLE_NAMES[message.role]} at ${preciseClock(message.start)}: ${words}`);
      bar.title = `${ROLE_NAMES[message.role]} ${preciseClock(message.start)}–${preciseClock(message.end)}`;
      this.scale.place(bar, message.start, message.end);
      message.bar = bar;
      this.speech.add(bar);
      lanes[message.role].append(bar);
    }
    this.lanes.agent.append(lanes.agent);
    this.lanes.user.append(lanes.user);
  }

  drawTools(tools) {
    const fragment = document.createDocumentFragment();
    for (const tool of tools) {
      if (tool.start === null) continue;
      const span = el("button", `span tool${tool.failed ? " failed" : ""}`, tool.name);
      span.type = "button";
      span.dataset.key = `t${tool.stage}:${tool.callIndex}`;
      const what = tool.failed ? "failed" : "answered";
      const took = tool.end === null ? "no result" : `${what} after ${secondsText(tool.end - tool.start)}`;
      span.setAttribute("aria-label", `Tool ${tool.name} at ${preciseClock(tool.start)}, ${took}`);
      span.title = `${tool.name}: ${took}`;
      this.scale.place(span, tool.start, tool.end ?? tool.start);
      this.toolGroup.add(span);
      fragment.append(span);
    }
    this.lanes.tools.replaceChildren(fragment);
  }

  drawGaps(turns, slowSeconds) {
    const fragment = document.createDocumentFragment();
    for (const turn of turns) {
      if (turn.userEnd === null || turn.agentStart === null || turn.latency === null) continue;
      const talkOver = turn.latency < 0;
      const slow = turn.slow || turn.latency > slowSeconds;
      const gap = el("span", `gap${slow ? " slow" : ""}${talkOver ? " talk-over" : ""}`, secondsText(turn.latency));
      gap.dataset.key = `r${turn.stage}:${turn.index}`;
      const verdict = talkOver ? "the agent started before the caller finished" : slow ? `slower than ${secondsText(slowSeconds)}` : "in time";
      const tools = turn.tools.length ? `; tools: ${turn.tools.join(", ")}` : "";
      gap.title = `Reply after ${secondsText(turn.latency)} (${verdict})${tools}`;
      this.scale.place(gap, Math.min(turn.userEnd, turn.agentStart), Math.max(turn.userEnd, turn.agentStart));
      fragment.append(gap);
    }
    this.lanes.gaps.replaceChildren(fragment);
  }

  drawMarks(metrics) {
    const fragment = document.createDocumentFragment();
    for (const air of metrics.deadAir) {
      if (air.start === null || air.end === null) continue;
      const mark = el("span", "mark dead-air", `${secondsText(air.seconds ?? air.end - air.start)} dead air`);
      mark.title = `Nobody spoke from ${preciseClock(air.start)} to ${preciseClock(air.end)}`;
      this.scale.place(mark, air.start, air.end);
      fragment.append(mark);
    }
    for (const barge of metrics.bargeIns) {
      if (barge.time === null) continue;
      const mark = el("span", "mark barge-in");
      mark.append(el("span", "visually-hidden", "barge-in"));
      mark.dataset.key = `u${barge.stage}:${barge.index}`;
      mark.title = `The caller cut in at ${preciseClock(barge.time)} (${secondsText(barge.overlap)} over the agent)`;
      this.scale.place(mark, barge.time);
      fragment.append(mark);
    }
    for (const over of metrics.talkOvers) {
      if (over.time === null) continue;
      const mark = el("span", "mark talk-over");
      mark.append(el("span", "visually-hidden", "talk-over"));
      mark.dataset.key = `r${over.stage}:${over.index}`;
      mark.title = `The agent spoke over the caller at ${preciseClock(over.time)} (${secondsText(over.latency)})`;
      this.scale.place(mark, over.time);
      fragment.append(mark);
    }
    this.lanes.marks.replaceChildren(fragment);
  }

  drawEvents(events) {
    const fragment = document.createDocumentFragment();
    for (const event of events) {
      if (event.time === null) continue;
      const mark = el("span", `event ${event.severity}`);
      mark.title = `${event.severity} at ${preciseClock(event.time)} · ${event.type}: ${event.text}`;
      this.scale.place(mark, event.time);
      fragment.append(mark);
    }
    this.lanes.events.replaceChildren(fragment);
  }

  setZoom(factor) {
    const zoom = Math.min(MAX_ZOOM, Math.max(1, factor));
    const centre = (this.scroller.scrollLeft + this.scroller.clientWidth / 2) / this.scroller.scrollWidth;
    this.zoom = zoom;
    this.root.style.width = `${zoom * 100}%`;
    this.drawAxis();
    this.scrollTo(centre * this.scroller.scrollWidth - this.scroller.clientWidth / 2);
    return zoom;
  }

  // Bring an element of the timeline into view horizontally (the page itself does not jump).
  reveal(node) {
    const left = node.offsetLeft;
    const view = this.scroller.scrollLeft;
    if (left >= view && left + node.offsetWidth <= view + this.scroller.clientWidth) return;
    this.scrollTo(left - this.scroller.clientWidth / 3);
  }

  scrollTo(left) {
    const most = this.scroller.scrollWidth - this.scroller.clientWidth;
    const target = Math.round(Math.min(Math.max(0, left), Math.max(0, most)));
    // A scroll to where we already are fires no event, so it must not arm the guard.
    if (Math.abs(target - this.scroller.scrollLeft) < 1) return;
    this.ignoreScroll = true;
    this.scroller.scrollLeft = target;
  }

  // The time at the left edge of the view, for the transcript to follow a scroll.
  onUserScroll(callback) {
    let pending = false;
    this.scroller.addEventListener("scroll", () => {
      if (this.ignoreScroll) {
        this.ignoreScroll = false;
        return;
      }
      if (pending || this.scale === null) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        callback(this.scale.timeAt(this.scroller.scrollLeft / this.scroller.scrollWidth));
      });
    });
  }
}
