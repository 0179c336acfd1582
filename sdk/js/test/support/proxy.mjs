// An HTTP proxy on loopback in front of a real server, for the SDK's retry tests. Every request is forwarded
// whole and logged ({method, path, headers, body, status, dropped}); `drop(entry)` decides, once the server has
// answered, whether the client gets that answer or a destroyed socket instead (the answer lost on the way back).

import http from "node:http";

/** Starts a proxy to `target` (a base URL); answers { baseUrl, log, stop() }. */
export async function startProxy(target, { drop = () => false } = {}) {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: false });
  const log = [];

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const entry = { method: req.method, path: req.url, headers: req.headers, body, status: undefined, dropped: false };
      log.push(entry);
      const forward = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host }, agent },
        (answer) => {
          const parts = [];
          answer.on("data", (chunk) => parts.push(chunk));
          answer.on("end", () => {
            entry.status = answer.statusCode;
            entry.answer = Buffer.concat(parts).toString("utf8");
            if (drop(entry, log)) {
              // The server has done the work and answered; the client never hears of it.
              entry.dropped = true;
              req.socket.destroy();
              return;
            }
            const headers = { ...answer.headers };
            delete headers["transfer-encoding"];
            headers["content-length"] = Buffer.byteLength(entry.answer);
            res.writeHead(answer.statusCode, headers);
            res.end(entry.answer);
          });
        },
      );
      forward.on("error", (error) => {
        entry.status = 599;
        entry.error = error;
        req.socket.destroy();
      });
      forward.end(body);
    });
  });

  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    log,
    /** The logged requests of one method and path (the path without its query). */
    requests: (method, path) => log.filter((e) => e.method === method && e.path.split("?")[0] === path),
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
