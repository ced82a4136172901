// transcript.js — the lists beside the timeline: one line per message (a stage divider where
// the stage changes), kept in step with the timeline, and the call's events by severity.

class TranscriptView {
  constructor(onPick) {
    this.list = byId("transcript");
    this.list.style.position = "relative"; // lines' offsetTop is then measured in the list
    this.lines = new RovingGroup(this.list, VERTICAL_KEYS);
    this.lastStage = null;
    this.list.addEventListener("click", (event) => {
      const line = event.target.closest?.("[data-key]");
      if (line) onPick(line.dataset.key, line);
    });
  }

  addMessages(messages) {
    const fragment = document.createDocumentFragment();
    for (const message of messages) {
      if (message.stage !== this.lastStage) {
        this.lastStage = message.stage;
        fragment.append(el("li", "stage-divider", `Stage ${message.stage}`));
      }
      const item = el("li");
      const line = el("button", `line ${message.role}${message.failed ? " failed" : ""}`);
      line.type = "button";
      line.dataset.key = `m${message.id}`;
      line.append(el("span", "when", preciseClock(message.start)), el("span", "who", ROLE_NAMES[message.role]));
      const words = el("span", "words");
      if (message.toolName) words.append(el("span", "tool-name", message.toolName), " ");
      words.append(message.text);
      if (message.failed) words.append(el("span", "badge", "failed"));
      line.append(words);
      if (message.role === "agent" || message.role === "user") {
        line.setAttribute("aria-description", "plays this message");
      }
      message.line = line;
      this.lines.add(line);
      item.append(line);
      fragment.append(item);
    }
    this.list.append(fragment);
  }

  // Scroll the list (not the page) so that the line shows, a third of the way down.
  reveal(line) {
    const top = line.offsetTop;
    const view = this.list.scrollTop;
    if (top >= view && top + line.offsetHeight <= view + this.list.clientHeight) return;
    this.list.scrollTop = Math.max(0, top - this.list.clientHeight / 3);
  }

  // Follow the timeline: the first line at or after `seconds` goes to the top of the list.
  followTime(seconds, timed) {
    const position = lowerBound(timed, seconds, (message) => message.start);
    const message = timed[Math.min(position, timed.length - 1)];
    if (message?.line) this.list.scrollTop = message.line.offsetTop;
  }
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 };

function renderEvents(events) {
  const box = byId("events-box");
  if (events.length === 0) {
    box.hidden = true;
    return;
  }
  const counts = { error: 0, warning: 0, info: 0 };
  for (const event of events) counts[event.severity] += 1;
  const parts = ["error", "warning", "info"]
    .filter((severity) => counts[severity] > 0)
    .map((severity) => `${counts[severity]} ${severity}${counts[severity] === 1 ? "" : "s"}`);
  byId("events-summary").textContent = `Events: ${parts.join(", ")}`;
  // Worst first, then in call order (a stable sort keeps call order within a severity).
  const ordered = events.slice().sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const fragment = document.createDocumentFragment();
  for (const event of ordered) {
    const item = el("li", event.severity);
    item.append(
      el("span", "sev", event.severity),
      el("span", "when", `${preciseClock(event.time)} `),
      el("span", "type", event.type ? `${event.type}: ` : ""),
      el("span", "text", event.text),
    );
    fragment.append(item);
  }
  byId("events").replaceChildren(fragment);
  box.open = counts.error > 0;
}
