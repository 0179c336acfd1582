// The transport's retries against a real server behind a proxy and against stand-ins: a lost answer is retried
// under the same idempotency key and counted once, Retry-After is waited out, a 4xx is final, a 5xx is retried
// maxRetries times, the per-request timeout fires, and a POST that could count twice is not repeated.
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, test } from "node:test";
import Meterline, { MeterlineConnectionError, MeterlineError } from "../dist/index.js";
import { startProxy } from "./support/proxy.mjs";
import { startServer } from "./support/server.mjs";
import { json, startStandIn } from "./support/stand-in.mjs";

let server, admin;
const cleanups = [];

before(async () => {
  server = await startServer();
  admin = new Meterline({ apiKey: server.adminKey, baseUrl: server.baseUrl, maxRetries: 0 });
  await admin.meters.create({ id: "llm-tokens", name: "LLM tokens", aggregation: "sum", eventTypes: ["llm.*"] });
  await admin.customers.create({ id: "acme", name: "Acme" });
});
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await server?.stop();
});

/** A fetch that logs every attempt the SDK makes: { method, url, status | error, at }. */
function countingFetch() {
  const calls = [];
  const fetchImpl = async (url, init) => {
    const call = { method: init?.method ?? "GET", url: String(url), at: Date.now() };
    calls.push(call);
    try {
      const response = await fetch(url, init);
      call.status = response.status;
      return response;
    } catch (error) {
      call.error = error;
      throw error;
    }
  };
  return { fetch: fetchImpl, calls };
}

async function standIn(handle) {
  const s = await startStandIn(handle);
  cleanups.push(() => s.stop());
  return s;
}

async function proxyTo(target, options) {
  const p = await startProxy(target, options);
  cleanups.push(() => p.stop());
  return p;
}

test("(a) a record whose answer is lost is retried with the same idempotency key and counted once", async () => {
  let dropped = 0;
  const proxy = await proxyTo(server.baseUrl, {
    drop: (entry) => entry.method === "POST" && entry.path === "/v1/events" && dropped++ === 0,
  });
  const client = new Meterline({ apiKey: server.adminKey, baseUrl: proxy.baseUrl, maxRetries: 2 });

  const recorded = await client.events.record({ customerId: "acme", eventType: "llm.completion", value: 1834 });

  const posts = proxy.requests("POST", "/v1/events");
  assert.equal(posts.length, 2, "one attempt lost, one retry");
  assert.equal(posts[0].dropped, true);
  assert.equal(posts[0].status, 201, "the server recorded the first attempt");
  assert.equal(posts[1].status, 200, "the retry is a replay");
  const keys = posts.map((p) => JSON.parse(p.body).idempotencyKey);
  assert.match(keys[0], /^sdk_[0-9a-f-]{36}$/);
  assert.equal(keys[1], keys[0], "the retry carries the first attempt's key");
  assert.equal(JSON.parse(posts[1].body).value, 1834);

  assert.equal(recorded.duplicate, true);
  assert.equal(recorded.value, 1834);
  assert.equal(recorded.id, JSON.parse(posts[0].answer).id, "the replay names the event of the lost answer");

  const usage = await admin.meters.get({ meterId: "llm-tokens", customerId: "acme", period: "current_month" });
  assert.equal(usage.value, 1834, "counted once");
  const events = [];
  for await (const event of admin.events.list({ customerId: "acme" })) events.push(event);
  assert.equal(events.length, 1);
  assert.equal(events[0].idempotencyKey, keys[0]);
});

test("(b) a 429 is retried after its Retry-After", async () => {
  const limitedKey = server.key("ingest", "--rate-limit", "1");
  const { fetch: counted, calls } = countingFetch();
  const client = new Meterline({ apiKey: limitedKey, baseUrl: server.baseUrl, maxRetries: 2, fetch: counted });

  const first = await client.limits.check({ customerId: "acme" });
  assert.equal(first.allowed, true);
  const started = performance.now();
  const second = await client.limits.check({ customerId: "acme" });
  const waited = performance.now() - started;

  assert.equal(second.allowed, true);
  assert.equal(second.customerId, "acme");
  assert.deepEqual(calls.map((c) => c.status), [200, 429, 200]);
  assert.ok(waited >= 950, `waited ${waited.toFixed(0)} ms, Retry-After says 1 s`);
  assert.ok(waited < 3000, `waited ${waited.toFixed(0)} ms`);
});

test("(b') a 429 from a stand-in with Retry-After: 1 is waited out, also on a POST that is not repeatable", async () => {
  const s = await standIn((request, res) => {
    if (request.index === 0) json(res, 429, { error: { code: "rate_limited", message: "slow down" } }, { "Retry-After": "1" });
    else json(res, 201, { id: "cust_new", name: "New", planId: null, externalId: null, metadata: {}, createdAt: "2026-01-01T00:00:00Z" });
  });
  const client = new Meterline({ apiKey: "mlk_test", baseUrl: s.baseUrl, maxRetries: 1 });
  const started = performance.now();
  const created = await client.customers.create({ id: "cust_new", name: "New" });
  const waited = performance.now() - started;
  assert.equal(created.id, "cust_new");
  assert.equal(s.requests.length, 2);
  const gap = s.requests[1].at - s.requests[0].at;
  assert.ok(gap >= 950 && gap < 2500, `the retry came ${gap} ms after the 429`);
  assert.ok(waited >= 950, `waited ${waited.toFixed(0)} ms`);
  assert.equal(s.requests[1].body, s.requests[0].body, "the same request again");
});

test("(c) a 400 is not retried", async () => {
  const proxy = await proxyTo(server.baseUrl);
  const client = new Meterline({ apiKey: server.adminKey, baseUrl: proxy.baseUrl, maxRetries: 3 });
  const error = await client.events.record({ customerId: "acme", eventType: "llm.completion", value: "many" }).then(
    () => assert.fail("a string value was accepted"),
    (e) => e,
  );
  assert.ok(error instanceof MeterlineError);
  assert.equal(error.status, 400);
  assert.equal(error.code, "invalid_request");
  assert.equal(error.field, "value");
  assert.match(error.requestId, /^req_/);
  assert.equal(proxy.requests("POST", "/v1/events").length, 1, "exactly one request");
});

test("(c') other 4xx answers (404, 409, 402) are not retried either", async () => {
  const s = await standIn((request, res) => {
    const status = [404, 409, 402][request.index % 3];
    json(res, status, { error: { code: `code_${status}`, message: "no" } });
  });
  const client = new Meterline({ apiKey: "mlk_test", baseUrl: s.baseUrl, maxRetries: 3 });
  for (const status of [404, 409, 402]) {
    const before = s.requests.length;
    const error = await client.customers.retrieve("acme").then(() => assert.fail("no error"), (e) => e);
    assert.equal(error.status, status);
    assert.equal(error.code, `code_${status}`);
    assert.equal(s.requests.length - before, 1, `a ${status} was retried`);
  }
});

test("(d) a 503 is retried maxRetries times, then thrown", async () => {
  const s = await standIn((request, res) =>
    json(res, 503, { error: { code: "unavailable", message: "the store is down" } }, { "Request-Id": `req_503_${request.index}` }),
  );
  const client = new Meterline({ apiKey: "mlk_test", baseUrl: s.baseUrl, maxRetries: 2 });
  const started = performance.now();
  const error = await client.customers.retrieve("acme").then(() => assert.fail("no error"), (e) => e);
  const took = performance.now() - started;
  assert.ok(error instanceof MeterlineError);
  assert.ok(!(error instanceof MeterlineConnectionError));
  assert.equal(error.status, 503);
  assert.equal(error.code, "unavailable");
  assert.equal(error.message, "the store is down");
  assert.equal(error.requestId, "req_503_2", "the error is the last attempt's");
  assert.equal(s.requests.length, 3, "one attempt and maxRetries = 2 retries");
  assert.ok(s.requests.every((r) => r.method === "GET" && r.path === "/v1/customers/acme"));
  assert.equal(s.requests[0].headers.authorization, "Bearer mlk_test");
  // Full jitter: at most 0.5 s before the first retry and 1 s before the second.
  assert.ok(took < 1500 + 500, `took ${took.toFixed(0)} ms`);
});

test("(d') a 503 on a POST that could count twice is not retried; one that is repeatable is", async () => {
  const s = await standIn((request, res) => json(res, 503, { error: { code: "unavailable", message: "down" } }));
  const client = new Meterline({ apiKey: "mlk_test", baseUrl: s.baseUrl, maxRetries: 2 });
  const error = await client.customers.create({ id: "x", name: "X" }).then(() => assert.fail("no error"), (e) => e);
  assert.equal(error.status, 503);
  assert.equal(s.requests.length, 1, "customers.create is not repeatable");

  await client.events.record({ customerId: "acme", eventType: "llm.completion" }).then(() => assert.fail("no error"), (e) => e);
  const records = s.requests.filter((r) => r.path === "/v1/events");
  assert.equal(records.length, 3, "events.record carries an idempotency key and is retried");
  assert.equal(new Set(records.map((r) => JSON.parse(r.body).idempotencyKey)).size, 1, "under one key");
});

test("(d'') a check is retried after a 503, but a check that holds units is not: its retry could hold them twice", async () => {
  const s = await standIn((request, res) => json(res, 503, { error: { code: "unavailable", message: "down" } }));
  const client = new Meterline({ apiKey: "mlk_test", baseUrl: s.baseUrl, maxRetries: 2 });
  await client.limits.check({ customerId: "acme", meterId: "llm-tokens" }).then(() => assert.fail("no error"), (e) => e);
  assert.equal(s.requests.length, 3, "a plain check changes nothing: tried 1 + maxRetries times");

  const error = await client.limits.check({ customerId: "acme", meterId: "llm-tokens", reserve: 4000 }).then(() => assert.fail("no error"), (e) => e);
  assert.equal(error.status, 503);
  assert.equal(s.requests.length, 4, "a check with reserve is tried once");
});

test("(e) timeoutMs: a server that never answers is a MeterlineConnectionError with code timeout", async () => {
  const s = await standIn(() => {}); // takes the request, never answers
  const client = new Meterline({ apiKey: "mlk_test", baseUrl: s.baseUrl, timeoutMs: 200, maxRetries: 0 });
  const started = performance.now();
  const error = await client.customers.list().then(() => assert.fail("an answer came"), (e) => e);
  const took = performance.now() - started;
  assert.ok(error instanceof MeterlineConnectionError, String(error));
  assert.ok(error instanceof MeterlineError);
  assert.equal(error.code, "timeout");
  assert.equal(error.status, 0);
  assert.match(error.message, /200 ms/);
  assert.ok(took >= 190 && took < 1000, `took ${took.toFixed(0)} ms for a 200 ms timeout`);
  assert.equal(s.requests.length, 1);

  // Each attempt has its own timeout, and a timed-out read is retried.
  const retrying = new Meterline({ apiKey: "mlk_test", baseUrl: s.baseUrl, timeoutMs: 150, maxRetries: 1 });
  const started2 = performance.now();
  const error2 = await retrying.customers.list().then(() => assert.fail("an answer came"), (e) => e);
  const took2 = performance.now() - started2;
  assert.equal(error2.code, "timeout");
  assert.equal(s.requests.length, 3);
  assert.ok(took2 >= 290 && took2 < 1500, `took ${took2.toFixed(0)} ms for two 150 ms attempts`);
});

test("(e2) the timeout covers the body too: headers then silence is a timeout", { timeout: 5000 }, async () => {
  const s = await standIn((request, res) => {
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "100" });
    res.write('{"data":['); // and never the rest
  });
  const client = new Meterline({ apiKey: "mlk_test", baseUrl: s.baseUrl, timeoutMs: 200, maxRetries: 0 });
  const started = performance.now();
  const error = await client.customers.list().then(() => assert.fail("an answer came"), (e) => e);
  const took = performance.now() - started;
  assert.ok(error instanceof MeterlineConnectionError, String(error));
  assert.equal(error.code, "timeout");
  assert.ok(took >= 190 && took < 1000, `took ${took.toFixed(0)} ms for a 200 ms timeout`);
});

test("(e3) a connection cut in the middle of an answer is a connection error, retried on a read", { timeout: 5000 }, async () => {
  const s = await standIn((request, res) => {
    if (request.index === 0) {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "100" });
      res.write('{"data":[', () => res.socket.destroy());
    } else json(res, 200, { data: [{ id: "acme", name: "Acme" }] });
  });
  const client = new Meterline({ apiKey: "mlk_test", baseUrl: s.baseUrl, maxRetries: 1 });
  const customers = await client.customers.list();
  assert.deepEqual(customers.map((c) => c.id), ["acme"]);
  assert.equal(s.requests.length, 2);

  const once = new Meterline({ apiKey: "mlk_test", baseUrl: s.baseUrl, maxRetries: 0 });
  s.requests.length = 0;
  const error = await once.customers.list().then(() => assert.fail("an answer came"), (e) => e);
  assert.ok(error instanceof MeterlineConnectionError, String(error));
  assert.equal(error.code, "connection_error");
});

test("(f) a non-repeatable POST (customers.create) is not retried when its answer is lost", async () => {
  const proxy = await proxyTo(server.baseUrl, {
    drop: (entry) => entry.method === "POST" && entry.path === "/v1/customers",
  });
  const client = new Meterline({ apiKey: server.adminKey, baseUrl: proxy.baseUrl, maxRetries: 3 });
  const error = await client.customers.create({ id: "globex", name: "Globex" }).then(() => assert.fail("an answer came"), (e) => e);
  assert.ok(error instanceof MeterlineConnectionError, String(error));
  assert.equal(error.code, "connection_error");
  assert.equal(error.status, 0);
  const posts = proxy.requests("POST", "/v1/customers");
  assert.equal(posts.length, 1, "not retried");
  assert.equal(posts[0].status, 201);
  // Why not: the server did create it, and a retry would have been a 409 (or, without a client id, a second one).
  const globex = await admin.customers.retrieve("globex");
  assert.equal(globex.name, "Globex");
});

test("(g) a refused connection is retried, even for a POST that is not repeatable, then thrown", async () => {
  // A port that was free a moment ago: nothing listens on it.
  const port = await new Promise((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port: p } = probe.address();
      probe.close(() => resolve(p));
    });
  });
  const { fetch: counted, calls } = countingFetch();
  const client = new Meterline({ apiKey: "mlk_test", baseUrl: `http://127.0.0.1:${port}`, maxRetries: 2, fetch: counted });
  const error = await client.customers.create({ id: "x", name: "X" }).then(() => assert.fail("an answer came"), (e) => e);
  assert.ok(error instanceof MeterlineConnectionError, String(error));
  assert.equal(error.code, "connection_error");
  assert.match(error.message, /ECONNREFUSED|refused/i);
  assert.equal(calls.length, 3, "refused before anything was sent: safe to retry");
});
