// Adds the headers in ALLOY_CONFORMANCE_HEADERS (JSON) to every request the conformance suite makes:
// undici's global dispatcher (fetch), and node:http(s).request (raw requests).
const headers = JSON.parse(process.env.ALLOY_CONFORMANCE_HEADERS || "{}");
const undici = require(require.resolve("undici", { paths: [process.cwd()] }));
class WithHeaders extends undici.Agent {
  dispatch(options, handler) {
    const given = options.headers || {};
    const merged = Array.isArray(given) ? [...given] : { ...given };
    for (const [name, value] of Object.entries(headers)) {
      if (Array.isArray(merged)) merged.push(name, value); else if (!(name in merged)) merged[name] = value;
    }
    return super.dispatch({ ...options, headers: merged }, handler);
  }
}
undici.setGlobalDispatcher(new WithHeaders());
const originalFetch = globalThis.fetch;
globalThis.fetch = (input, init = {}) => {
  const merged = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
  for (const [name, value] of Object.entries(headers)) if (!merged.has(name)) merged.set(name, value);
  return originalFetch(input, { ...init, headers: merged });
};
for (const module of [require("node:http"), require("node:https")]) {
  const original = module.request;
  module.request = function (...args) {
    const request = original.apply(this, args);
    for (const [name, value] of Object.entries(headers)) if (!request.getHeader(name)) request.setHeader(name, value);
    return request;
  };
}
