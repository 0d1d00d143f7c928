// A small MCP Apps host for the end-to-end tests: it loads the view in a sandboxed iframe, as a host does
// (an opaque origin; a Content-Security-Policy that lets nothing reach the network), and bridges it with
// ext-apps' AppBridge: the view's tools/call and resources/read go to window.alloyMcp, which the test
// exposes and which sends them to the real server's /mcp with a key.
import { AppBridge, PostMessageTransport } from "@modelcontextprotocol/ext-apps/app-bridge";

// What a host enforces for a view whose _meta.ui.csp declares no origin.
const CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'";

const LIGHT = { "--color-background-primary": "#ffffff", "--color-text-primary": "#1f2328" };
const DARK = { "--color-background-primary": "#0d1117", "--color-text-primary": "#e6edf3" };

const host = {
  bridge: null,
  context: null,
  openedLinks: [],
  displayModes: [],

  /** Render the view for one tool call: its HTML (from resources/read), the tool's input and result. */
  async show({ html, toolInput, toolResult, width = 700, theme = "light" }) {
    const frame = document.createElement("iframe");
    frame.setAttribute("sandbox", "allow-scripts");
    frame.title = "Alloy session view";
    frame.style.cssText = `width:${width}px;height:600px;border:1px solid #888;display:block`;
    document.getElementById("frames").replaceChildren(frame);
    this.context = {
      theme,
      styles: { variables: theme === "dark" ? DARK : LIGHT },
      displayMode: "inline",
      availableDisplayModes: ["inline", "fullscreen"],
      containerDimensions: { width, maxHeight: 4000 },
      safeAreaInsets: { top: 0, right: 0, bottom: 0, left: 0 },
      locale: "en-GB",
      platform: "web",
    };
    const bridge = new AppBridge(
      null,
      { name: "Alloy test host", version: "1.0.0" },
      { openLinks: {}, serverTools: {}, serverResources: {} },
      { hostContext: this.context },
    );
    bridge.oncalltool = (params) => window.alloyMcp("tools/call", params);
    bridge.onreadresource = (params) => window.alloyMcp("resources/read", params);
    bridge.onopenlink = async ({ url }) => {
      this.openedLinks.push(url);
      return {};
    };
    bridge.onrequestdisplaymode = async ({ mode }) => {
      this.displayModes.push(mode);
      this.context = { ...this.context, displayMode: mode };
      bridge.sendHostContextChange({ displayMode: mode });
      return { mode };
    };
    bridge.onsizechange = ({ height }) => {
      if (height) frame.style.height = `${Math.min(height, 4000)}px`;
    };
    const initialized = new Promise((resolve) => {
      bridge.oninitialized = resolve;
    });
    await bridge.connect(new PostMessageTransport(frame.contentWindow, frame.contentWindow));
    frame.srcdoc = html.replace("<head>", `<head><meta http-equiv="Content-Security-Policy" content="${CSP}">`);
    await initialized;
    this.bridge = bridge;
    await bridge.sendToolInput({ arguments: toolInput });
    window.performance.mark("host:tool-result-sent");
    await bridge.sendToolResult(toolResult);
  },

  setTheme(theme) {
    this.context = { ...this.context, theme, styles: { variables: theme === "dark" ? DARK : LIGHT } };
    this.bridge.sendHostContextChange({ theme, styles: this.context.styles });
  },
};

window.alloyHost = host;
