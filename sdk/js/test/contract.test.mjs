// docs/openapi.yaml cannot drift from what the server says: the brief's flow and every error case of SPEC §3 are
// sent to a real server, and each answer is validated against the document's schema for its operation and status.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, test } from "node:test";
import Meterline, { MeterlineError } from "../dist/index.js";
import { loadContract } from "./support/contract.mjs";
import { startServer } from "./support/server.mjs";

let server, contract, admin;

before(async () => {
  server = await startServer();
  contract = await loadContract();
  admin = new Meterline({ apiKey: server.adminKey, baseUrl: server.baseUrl, fetch: contract.fetch, maxRetries: 0 });
});
after(() => server?.stop());

/** The status of a call that must fail. */
async function failure(call) {
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof MeterlineError, String(error));
    assert.match(error.requestId ?? "", /^req_/);
    return error;
  }
  assert.fail("the call succeeded");
}

function raw(path, { method = "GET", key = server.adminKey, body } = {}) {
  const headers = key ? { Authorization: `Bearer ${key}` } : {};
  return contract.fetch(server.baseUrl + path, { method, headers, body });
}

/** A POST announcing a body of `bytes` and sending none: the server answers 413 from the headers alone. */
function oversized(path, bytes) {
  return new Promise((resolve, reject) => {
    const request = http.request(server.baseUrl + path, {
      method: "POST",
      headers: { Authorization: `Bearer ${server.adminKey}`, "Content-Type": "application/json", "Content-Length": bytes },
    });
    request.on("response", (response) => {
      let body = "";
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => {
        const exchange = { method: "POST", url: server.baseUrl + path, status: response.statusCode, body,
          contentType: response.headers["content-type"], requestId: response.headers["request-id"] };
        contract.exchanges.push(exchange);
        request.destroy();
        resolve(exchange);
      });
    });
    request.on("error", reject);
    request.flushHeaders();
  });
}

test("the brief's flow and every error answer agree with docs/openapi.yaml", async () => {
  // The flow: meters, a plan with a price and a limit, customers, check, record, replay, read, bill.
  await admin.meters.create({ id: "llm-tokens", name: "LLM tokens", aggregation: "sum", eventTypes: ["llm.*"] });
  await admin.meters.create({ id: "users", name: "Active users", aggregation: "unique_count", dimension: "user" });
  await admin.plans.create({
    id: "pro",
    name: "Pro",
    currency: "USD",
    limits: [{ meterId: "llm-tokens", period: "month", value: 1000 }],
    prices: [{ meterId: "llm-tokens", unitPrice: "2.500000", perUnits: 1000000, includedUnits: 100, creditsPerUnit: "0.000010" }],
  });
  await admin.customers.create({ id: "acme", name: "Acme", planId: "pro", externalId: "cus_1", metadata: { tier: "a" } });
  await admin.customers.create({ id: "globex", name: "Globex" });
  await admin.limits.create({ scope: "customer", customerId: "globex", meterId: "llm-tokens", period: "day", value: 10, mode: "soft" });
  await admin.balances.credit("acme", { amount: "5.000000", reason: "top-up" });
  await admin.balances.setReserve("acme", "1.000000");
  const check = await admin.limits.check({ customerId: "acme", meterId: "llm-tokens", reserve: 100 });
  await admin.reservations.retrieve(check.reservation.id);
  await admin.limits.check({ customerId: "globex" });
  const event = { customerId: "acme", eventType: "llm.completion", value: 600, dimensions: { model: "gpt-4o", user: "u1" }, idempotencyKey: "k1" };
  await admin.events.record({ ...event, reservationId: check.reservation.id });
  await admin.events.record({ ...event, reservationId: check.reservation.id }); // the replay, 200 duplicate
  await admin.events.recordBatch([{ customerId: "acme", eventType: "llm.completion", value: 1 }, { customerId: "nobody", eventType: "x" }]);
  await admin.limits.check({ customerId: "acme", meterId: "llm-tokens", reserve: 1000 }); // denied
  await admin.events.page({ customerId: "acme", limit: 1 });
  await admin.meters.get({ meterId: "llm-tokens", customerId: "acme", period: "current_month", groupBy: "model", window: "day" });
  await admin.meters.get({ meterId: "users", period: "lifetime", filters: { model: "gpt-4o" } });
  await admin.usage.summary({ period: "current_month" });
  await admin.exports.invoicesCsv({ period: "current_month" });
  await admin.exports.usageCsv({ from: "2020-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z" });
  for (const list of [admin.customers, admin.plans, admin.meters, admin.limits, admin.webhooks, admin.apiKeys]) await list.list();
  await admin.customers.retrieve("acme");
  await admin.customers.update("acme", { name: "Acme Corp" });
  await admin.plans.retrieve("pro");
  await admin.meters.retrieve("users");
  await admin.balances.get("acme");
  for await (const _ of admin.balances.list());
  await admin.balances.page({ limit: 1 });
  for await (const _ of admin.balances.transactions("acme"));
  const hook = await admin.webhooks.create({ url: "http://127.0.0.1:9/hook", events: ["limit.exceeded"] });
  await admin.webhooks.deliveries(hook.id);
  const key = await admin.apiKeys.create({ name: "ci", scope: "read" });
  await raw("/v1/changes");
  await raw("/healthz", { key: null });
  await raw("/metrics", { key: null });

  // Every error of SPEC §3.
  assert.equal((await failure(() => admin.events.record({ customerId: "acme", eventType: "x", value: "many" }))).status, 400);
  const metadata = await failure(() => admin.webhooks.create({ url: "https://169.254.169.254/latest/meta-data", events: ["limit.exceeded"] }));
  assert.deepEqual([metadata.status, metadata.field], [400, "url"], "a webhook to the cloud metadata address");
  assert.equal((await failure(() => admin.customers.retrieve("nobody"))).status, 404);
  assert.equal((await failure(() => admin.customers.create({ id: "acme", name: "Again" }))).status, 409);
  assert.equal((await failure(() => admin.events.record({ ...event, value: 601 }))).code, "idempotency_conflict");
  assert.equal((await failure(() => admin.balances.debit("acme", { amount: "999.000000", reason: "too much" }))).status, 402);
  assert.equal((await raw("/v1/customers", { key: null })).status, 401);
  const reader = new Meterline({ apiKey: key.key, baseUrl: server.baseUrl, fetch: contract.fetch, maxRetries: 0 });
  assert.equal((await failure(() => reader.events.record({ customerId: "acme", eventType: "x" }))).status, 403);
  assert.equal((await oversized("/v1/customers", 2 << 20)).status, 413);
  const limited = new Meterline({ apiKey: server.key("read", "--rate-limit", "1"), baseUrl: server.baseUrl, fetch: contract.fetch, maxRetries: 0 });
  const statuses = [];
  for (let i = 0; i < 4; ++i) statuses.push(await limited.customers.list().then(() => 200, (e) => e.status));
  assert.ok(statuses.includes(429), `statuses ${statuses}`);

  // The deletes.
  await admin.apiKeys.delete(key.id);
  await admin.webhooks.delete(hook.id);
  await admin.customers.delete("globex");

  const problems = contract.exchanges.flatMap((exchange) => contract.check(exchange));
  assert.deepEqual(problems, [], problems.join("\n"));
  const statusesSeen = new Set(contract.exchanges.map((e) => e.status));
  for (const status of [200, 201, 204, 400, 401, 402, 403, 404, 409, 413, 429])
    assert.ok(statusesSeen.has(status) || status === 204, `no answer with status ${status} was checked`);
});
