// A minimal MCP Apps host for the browser tests: the official AppBridge talks to the viewer
// in a sandboxed iframe (scripts only, opaque origin), under the spec's default CSP, and
// hands every tools/call to `window.relayToolCall`, which the Python test exposes.
import { AppBridge, PostMessageTransport } from "@modelcontextprotocol/ext-apps/app-bridge";

// The policy a host must apply when the resource declares no CSP (MCP Apps 2026-01-26).
const DEFAULT_CSP = [
  "default-src 'none'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "media-src 'self' data:",
  "connect-src 'none'",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'self'",
].join("; ");

function withCsp(html) {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${DEFAULT_CSP}">`;
  const head = html.search(/<head[^>]*>/i);
  if (head < 0) throw new Error("the resource has no <head>");
  const at = html.indexOf(">", head) + 1;
  return html.slice(0, at) + meta + html.slice(at);
}

let bridge = null;
let context = {};

window.startViewer = async ({ html, toolInput, toolResult, hostContext }) => {
  const iframe = document.getElementById("view");
  context = hostContext ?? {};
  document.body.classList.toggle("dark", context.theme === "dark");
  bridge = new AppBridge(
    null,
    { name: "ultravox-calls-mcp test host", version: "0" },
    { serverTools: {}, logging: {} },
    { hostContext: context },
  );
  bridge.oncalltool = async (params) => window.relayToolCall(params.name, params.arguments ?? {});
  bridge.addEventListener("sizechange", ({ height }) => {
    if (typeof height === "number") iframe.style.height = `${Math.ceil(height)}px`;
  });
  const initialized = new Promise((resolve) => bridge.addEventListener("initialized", resolve));
  // The transport listens before the page exists, so its ui/initialize is not missed.
  await bridge.connect(new PostMessageTransport(iframe.contentWindow, iframe.contentWindow));
  iframe.srcdoc = withCsp(html);
  await initialized;
  await bridge.sendToolInput({ arguments: toolInput });
  if (toolResult) await bridge.sendToolResult(toolResult);
};

window.setHostTheme = (theme) => {
  context = { ...context, theme };
  document.body.classList.toggle("dark", theme === "dark");
  bridge.setHostContext(context);
};
