// A real meterline-server for the SDK's tests: a temporary SQLite database, an admin key, `serve` on port 0,
// webhooks allowed to 127.0.0.1 (where the tests' receivers listen).
// The binary is METERLINE_SERVER (CTest passes the build's), else ../../build/server/meterline-server.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
export const serverBinary = process.env.METERLINE_SERVER ?? resolve(here, "../../../../build/server/meterline-server");

/** Starts a server; answers { baseUrl, adminKey, key(scope, ...flags), db, dir, stop() }. */
export async function startServer({ args = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "meterline-sdk-"));
  const db = join(dir, "meterline.db");
  // The tests' webhook receivers are on loopback, which a server refuses unless its allow-list names it.
  const env = { METERLINE_WEBHOOK_ALLOW_TARGETS: "127.0.0.1", ...process.env, METERLINE_CONFIG: "", HOME: dir, XDG_RUNTIME_DIR: dir };
  const run = (...argv) => execFileSync(serverBinary, argv, { env, encoding: "utf8" }).trim();
  run("init", "--db", db);
  const key = (scope, ...flags) => run("keys", "create", "--db", db, "--name", `sdk-test-${scope}`, "--scope", scope, ...flags);
  const adminKey = key("admin");

  const child = spawn(serverBinary, ["serve", "--db", db, "--listen", "127.0.0.1:0", ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout });
  const baseUrl = await new Promise((resolveUrl, reject) => {
    child.once("exit", (code) => reject(new Error(`meterline-server exited with ${code} before listening:\n${stderr}`)));
    lines.once("line", (line) => {
      const m = /^listening on (http:\/\/\S+)$/.exec(line);
      if (m) resolveUrl(m[1]);
      else reject(new Error(`unexpected first line: ${line}`));
    });
  });
  child.removeAllListeners("exit");

  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { baseUrl, adminKey, key, db, dir, stop, stderr: () => stderr };
}
