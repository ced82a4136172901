// player.js — audio through app-only tools: one message's audio, or a window of the call
// recording around the chosen moment. Audio arrives as MCP audio content (base64) and plays
// from a data: URL, which the MCP Apps default CSP allows (media-src 'self' data:).

class Player {
  constructor(app) {
    this.app = app;
    this.callId = null;
    this.moment = 0;
    this.request = 0;
    this.audio = byId("audio");
    this.button = byId("play-recording");
    this.label = byId("now-playing");
    this.button.addEventListener("click", () => this.playRecording());
  }

  ready(callId) {
    this.callId = callId;
    this.button.disabled = false;
  }

  setMoment(seconds) {
    this.moment = Math.max(0, seconds ?? 0);
    this.button.textContent = `Play the recording around ${clock(this.moment)}`;
  }

  playMessage(message, stageId) {
    if (!stageId) {
      this.label.textContent = `No stage id for stage ${message.stage}; cannot fetch this message's audio.`;
      return Promise.resolve();
    }
    const label = `${ROLE_NAMES[message.role]} at ${preciseClock(message.start)}`;
    return this.fetchAndPlay(
      CONTRACT.tools.messageAudio,
      { call_id: this.callId, stage_id: stageId, message_index: message.index },
      label,
    );
  }

  playRecording() {
    const start = Math.max(0, this.moment - CONTRACT.recordingLeadSeconds);
    const duration = Math.min(CONTRACT.recordingWindowSeconds, CONTRACT.recordingMaxSeconds);
    return this.fetchAndPlay(
      CONTRACT.tools.recording,
      { call_id: this.callId, start_seconds: Number(start.toFixed(1)), duration_seconds: duration },
      `the recording from ${clock(start)}`,
    );
  }

  async fetchAndPlay(tool, args, label) {
    if (this.callId === null) return;
    // Only the latest click plays; answers to earlier ones are dropped.
    const request = ++this.request;
    this.label.textContent = `Loading ${label}…`;
    let result;
    try {
      result = await this.app.callServerTool({ name: tool, arguments: args });
    } catch (error) {
      if (request === this.request) this.label.textContent = `Could not load ${label}: ${plainText(error?.message, 300)}`;
      return;
    }
    if (request !== this.request) return;
    if (result?.isError) {
      this.label.textContent = resultText(result) || `The server could not give ${label}.`;
      return;
    }
    const audio = resultAudio(result);
    if (audio === null) {
      this.label.textContent = `No playable audio came back for ${label}.`;
      return;
    }
    this.audio.src = `data:${audio.mime};base64,${audio.data}`;
    this.label.textContent = `Playing ${label}`;
    try {
      await this.audio.play();
    } catch (error) {
      // A host may forbid autoplay; the controls still let the person press play.
      if (request === this.request) this.label.textContent = `${label}: press play (${plainText(error?.name, 60)})`;
    }
  }
}
