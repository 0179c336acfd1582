// A small HTTP server on loopback that answers as a test tells it: a stand-in for the Meterline server (a 503,
// a 429, an answer that never comes) or a webhook receiver. Every request is logged with its raw body.

import http from "node:http";

/**
 * Starts a server; `handle(request, res)` answers each request, `request` being
 * { method, path, headers, rawHeaders, body, index } with `body` the raw bytes as a string.
 * Answers { baseUrl, requests, stop() }.
 */
export async function startStandIn(handle) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const request = {
        method: req.method,
        path: req.url,
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString("utf8"),
        index: requests.length,
        at: Date.now(),
      };
      requests.push(request);
      handle(request, res);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Answers a JSON body with a status and extra headers. */
export function json(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), "Request-Id": "req_standin", ...headers });
  res.end(text);
}

/** Waits until `condition()` is truthy (polling every 20 ms), failing after `timeoutMs`. */
export async function waitFor(condition, { timeoutMs = 5000, what = "the condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
