// The view's one connection to its host (ext-apps' App over postMessage): the tools it calls and the
// links it opens go through the host, never to the network.
import { App } from "@modelcontextprotocol/ext-apps";

export const app = new App({ name: "Alloy session view", version: "1.0.0" }, {}, { autoResize: true });

/** A tool called through the host: its structured result, or an Error carrying the tool's own sentence. */
export async function callTool(name, args) {
  const result = await app.callServerTool({ name, arguments: args });
  if (result.isError) throw new Error(textOf(result) || `${name} failed.`);
  return structuredOf(result);
}

export function openLink(url) {
  app.openLink({ url }).catch(() => {});
}

export function textOf(result) {
  return (result.content ?? []).find((item) => item.type === "text")?.text ?? "";
}

export function structuredOf(result) {
  if (result.structuredContent) return result.structuredContent;
  try {
    return JSON.parse(textOf(result));
  } catch {
    return null;
  }
}
