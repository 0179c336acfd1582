// Every method of every resource of the SDK, called once against a real server, each answer checked for what it
// says. The last test lists the resources' methods by reflection, so a method added later without a call here fails.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import Meterline from "../dist/index.js";
import { startServer } from "./support/server.mjs";
import { startStandIn } from "./support/stand-in.mjs";

const resources = ["limits", "events", "meters", "usage", "customers", "plans", "balances", "webhooks", "apiKeys", "reservations", "exports"];
const called = new Set();
let server, sdk, receiver;

/** The client with each resource method counted into `called` as "resource.method". */
function counted(client) {
  for (const name of resources) {
    const resource = client[name];
    client[name] = new Proxy(resource, {
      get(target, property, receiverObject) {
        const value = Reflect.get(target, property, receiverObject);
        if (typeof value !== "function" || typeof property !== "string") return value;
        return (...args) => {
          called.add(`${name}.${property}`);
          return value.apply(target, args);
        };
      },
    });
  }
  return client;
}

/** The public methods of a resource: its own and its base classes', but not Object's. */
function methodsOf(resource) {
  const names = new Set();
  for (let proto = Object.getPrototypeOf(resource); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto))
    for (const name of Object.getOwnPropertyNames(proto)) if (name !== "constructor" && typeof proto[name] === "function") names.add(name);
  return [...names];
}

before(async () => {
  server = await startServer();
  receiver = await startStandIn((_request, res) => {
    res.writeHead(500);
    res.end("not yet");
  });
  sdk = counted(new Meterline({ apiKey: server.adminKey, baseUrl: server.baseUrl, maxRetries: 0 }));
});
after(async () => {
  await receiver?.stop();
  await server?.stop();
});

test("meters: create, list, retrieve, update, get (usage) and delete", async () => {
  const meter = await sdk.meters.create({ id: "tokens", name: "Tokens", aggregation: "sum", eventTypes: ["llm.*"] });
  assert.equal(meter.id, "tokens");
  await sdk.meters.create({ id: "scratch", name: "Scratch", aggregation: "count" });
  assert.deepEqual((await sdk.meters.list()).map((m) => m.id).sort(), ["scratch", "tokens"]);
  assert.equal((await sdk.meters.retrieve("tokens")).aggregation, "sum");
  assert.equal((await sdk.meters.update("scratch", { name: "Scratch 2", aggregation: "count" })).name, "Scratch 2");
  assert.equal((await sdk.meters.get({ meterId: "tokens", period: "current_month" })).value, 0, "all customers, none yet");
  await sdk.meters.delete("scratch");
  assert.deepEqual((await sdk.meters.list()).map((m) => m.id), ["tokens"]);
});

test("plans and customers: create, list, retrieve, update and delete", async () => {
  await sdk.plans.create({ id: "pro", name: "Pro", limits: [{ meterId: "tokens", period: "month", value: 1000 }] });
  await sdk.plans.create({ id: "old", name: "Old" });
  const prices = [{ meterId: "tokens", unitPrice: "2.000000", perUnits: 1000 }];
  const limits = [{ meterId: "tokens", period: "month", value: 1000 }];
  assert.equal((await sdk.plans.update("pro", { name: "Pro 2", limits, prices })).name, "Pro 2");
  assert.equal((await sdk.plans.retrieve("pro")).name, "Pro 2");
  await sdk.plans.delete("old");
  assert.deepEqual((await sdk.plans.list()).map((p) => p.id), ["pro"]);

  await sdk.customers.create({ id: "acme", name: "Acme", planId: "pro" });
  await sdk.customers.create({ id: "gone", name: "Gone" });
  assert.equal((await sdk.customers.update("acme", { name: "Acme Corp" })).planId, "pro", "PATCH keeps what it does not name");
  assert.equal((await sdk.customers.retrieve("acme")).name, "Acme Corp");
  await sdk.customers.delete("gone");
  assert.deepEqual((await sdk.customers.list()).map((c) => c.id), ["acme"]);
});

test("limits: create, list, retrieve, update, delete and check with a reservation", async () => {
  const limit = await sdk.limits.create({ scope: "customer", customerId: "acme", meterId: "tokens", period: "day", value: 50, mode: "soft" });
  assert.equal((await sdk.limits.retrieve(limit.id)).value, 50);
  assert.equal((await sdk.limits.update(limit.id, { scope: "customer", customerId: "acme", meterId: "tokens", period: "day", value: 60 })).value, 60);
  assert.ok((await sdk.limits.list()).some((l) => l.id === limit.id));
  await sdk.limits.delete(limit.id);
  assert.ok(!(await sdk.limits.list()).some((l) => l.id === limit.id));

  const check = await sdk.limits.check({ customerId: "acme", meterId: "tokens", reserve: 100 });
  assert.equal(check.allowed, true);
  const reservation = await sdk.reservations.retrieve(check.reservation.id);
  assert.equal(reservation.id, check.reservation.id);
});

test("events: record (a replay counted once), recordBatch, list over every page", async () => {
  const first = await sdk.events.record({ customerId: "acme", eventType: "llm.completion", value: 300, idempotencyKey: "m1" });
  const replay = await sdk.events.record({ customerId: "acme", eventType: "llm.completion", value: 300, idempotencyKey: "m1" });
  assert.equal(replay.id, first.id);
  const batch = await sdk.events.recordBatch([
    { customerId: "acme", eventType: "llm.completion", value: 100 },
    { customerId: "acme", eventType: "llm.completion", value: 50 },
  ]);
  assert.equal(batch.accepted, 2);
  const seen = [];
  for await (const event of sdk.events.list({ customerId: "acme", limit: 1 })) seen.push(event.value);
  assert.deepEqual(seen.sort((a, b) => a - b), [50, 100, 300], "three events over three pages of one");
  const page = await sdk.events.page({ customerId: "acme", limit: 2 });
  assert.equal(page.data.length, 2);
  assert.ok(page.nextCursor);
  // A dimension filter is sent as filter.<dimension>=<value>: only the matching event comes back.
  await sdk.customers.create({ id: "filtered", name: "Filtered" });
  await sdk.events.record({ customerId: "filtered", eventType: "llm.completion", value: 7, dimensions: { provider: "openai" } });
  await sdk.events.record({ customerId: "filtered", eventType: "llm.completion", value: 9, dimensions: { provider: "anthropic" } });
  const openai = [];
  for await (const event of sdk.events.list({ customerId: "filtered", filter: { provider: "openai" } })) openai.push(event.value);
  assert.deepEqual(openai, [7]);
  assert.equal((await sdk.meters.get({ meterId: "tokens", customerId: "acme", period: "current_month" })).value, 450);
});

test("usage.summary and the two CSV exports", async () => {
  const summary = await sdk.usage.summary({ period: "current_month" });
  assert.ok(summary.data.some((row) => row.customerId === "acme" && row.meterId === "tokens" && row.value === 450));
  const invoices = (await sdk.exports.invoicesCsv({ period: "current_month" })).trim().split("\r\n");
  assert.match(invoices[0], /^period_start,period_end,customer_id,/);
  assert.match(invoices[1], /,acme,.*,tokens,.*,450,.*,0\.900000,USD$/, "450 tokens at 2.000000 a 1000");
  const today = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00Z");
  const tomorrow = new Date(today.getTime() + 86400_000);
  const usage = (await sdk.exports.usageCsv({ from: today, to: tomorrow, customerId: "acme" })).trim().split("\r\n");
  assert.deepEqual(usage.slice(1), [`${today.toISOString().replace(".000", "")},${tomorrow.toISOString().replace(".000", "")},acme,tokens,Tokens,sum,450`]);
});

test("balances: credit, debit, setReserve, get, list, transactions", async () => {
  assert.equal((await sdk.balances.credit("acme", { amount: "10.000000", reason: "top-up" })).amount, "10.000000");
  await sdk.balances.debit("acme", { amount: "2.500000", reason: "manual" });
  const balance = await sdk.balances.setReserve("acme", "1.000000");
  assert.equal(balance.reserve, "1.000000");
  const now = await sdk.balances.get("acme");
  assert.equal(now.balance, "7.500000");
  assert.equal(now.available, "6.500000");
  await sdk.customers.create({ id: "globex", name: "Globex" });
  await sdk.balances.credit("globex", { amount: "1.000000", reason: "top-up" });
  const everyone = [];
  for await (const each of sdk.balances.list({ limit: 1 })) everyone.push(each.customerId);
  assert.deepEqual(everyone.sort(), ["acme", "globex"], "two balances over two pages of one");
  const first = await sdk.balances.page({ limit: 1 });
  assert.equal(first.data.length, 1);
  assert.ok(first.nextCursor);
  assert.equal((await sdk.balances.page({ limit: 1, cursor: first.nextCursor })).nextCursor, null);
  const kinds = [];
  for await (const transaction of sdk.balances.transactions("acme")) kinds.push(transaction.kind);
  assert.deepEqual(kinds, ["debit", "credit"]);
});

test("webhooks and API keys: create, list, test, deliveries, retryDelivery, verify, delete", async () => {
  const endpoint = await sdk.webhooks.create({ url: `${receiver.baseUrl}/hook`, events: ["balance.low"] });
  assert.match(endpoint.secret, /^whsec_/);
  assert.deepEqual((await sdk.webhooks.list()).map((w) => w.id), [endpoint.id]);
  const delivery = await sdk.webhooks.test(endpoint.id);
  let deliveries;
  for (let i = 0; i < 250 && !(deliveries?.data[0]?.attempts > 0); ++i) {
    await new Promise((r) => setTimeout(r, 20));
    deliveries = await sdk.webhooks.deliveries(endpoint.id);
  }
  assert.equal(deliveries.data[0].id, delivery.id);
  assert.equal(deliveries.data[0].lastStatus, 500);
  const retried = await sdk.webhooks.retryDelivery(endpoint.id, delivery.id);
  assert.equal(retried.id, delivery.id);
  const sent = receiver.requests[0];
  const payload = sdk.webhooks.verify(sent.body, sent.headers, endpoint.secret);
  assert.equal(payload.type, "webhook.test");
  await sdk.webhooks.delete(endpoint.id);
  assert.deepEqual(await sdk.webhooks.list(), []);

  const key = await sdk.apiKeys.create({ name: "reader", scope: "read" });
  assert.match(key.key, /^mlk_/);
  assert.ok((await sdk.apiKeys.list()).some((k) => k.id === key.id));
  await sdk.apiKeys.delete(key.id);
  const reader = new Meterline({ apiKey: key.key, baseUrl: server.baseUrl, maxRetries: 0 });
  await assert.rejects(() => reader.customers.list(), { status: 401 });
});

test("every method of every resource was called above", () => {
  const all = resources.flatMap((name) => methodsOf(sdk[name]).map((method) => `${name}.${method}`));
  assert.ok(all.length > 40, `only ${all.length} methods found`);
  const missed = all.filter((name) => !called.has(name));
  assert.deepEqual(missed, []);
});
