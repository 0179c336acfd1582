// Real webhook deliveries from a real server to a receiver on loopback, verified with the SDK (Standard
// Webhooks, SPEC §5): every event type the server sends verifies with the endpoint's secret, and a changed body,
// an old or future timestamp, a wrong secret or a missing header do not.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, test } from "node:test";
import Meterline, { verifyWebhook, WebhookVerificationError } from "../dist/index.js";
import { startServer } from "./support/server.mjs";
import { startStandIn, waitFor } from "./support/stand-in.mjs";

// The dispatcher looks at the outbox every 50 ms, and retries come after 5 s × 0.01.
process.env.METERLINE_WEBHOOK_POLL_MS = "50";
process.env.METERLINE_WEBHOOK_RETRY_SCALE = "0.01";

let server, receiver, admin, endpoint;
/** What the receiver got: { id, timestamp, signature, headers, body }, in arrival order. */
const received = [];

before(async () => {
  server = await startServer();
  let testAttempts = 0;
  receiver = await startStandIn((request, res) => {
    const delivery = {
      id: request.headers["webhook-id"],
      timestamp: request.headers["webhook-timestamp"],
      signature: request.headers["webhook-signature"],
      headers: request.headers,
      rawHeaders: request.rawHeaders,
      body: request.body,
      contentType: request.headers["content-type"],
    };
    received.push(delivery);
    // The first attempt of the test event fails: the server must send it again under the same webhook-id.
    const fail = request.body.includes('"type":"webhook.test"') && testAttempts++ === 0;
    res.writeHead(fail ? 503 : 204);
    res.end();
  });
  admin = new Meterline({ apiKey: server.adminKey, baseUrl: server.baseUrl, maxRetries: 0 });
  await admin.meters.create({ id: "llm-tokens", name: "LLM tokens", aggregation: "sum", eventTypes: ["llm.*"] });
  await admin.plans.create({ id: "pro", name: "Pro", limits: [{ meterId: "llm-tokens", period: "month", value: 100 }] });
  await admin.customers.create({ id: "cust_acme", name: "Acme", planId: "pro" });
  endpoint = await admin.webhooks.create({
    url: `${receiver.baseUrl}/hooks`,
    events: ["limit.threshold", "limit.exceeded", "balance.low", "balance.depleted"],
    balanceLowThreshold: "5.00",
  });
});
after(async () => {
  await server?.stop();
  await receiver?.stop();
});

const ofType = (type) => received.filter((d) => JSON.parse(d.body).type === type);

test("the endpoint's secret is a whsec_ key shown at creation", () => {
  assert.match(endpoint.id, /^we_/);
  assert.match(endpoint.secret, /^whsec_[A-Za-z0-9+/]+={0,2}$/);
  assert.ok(Buffer.from(endpoint.secret.slice(6), "base64").length >= 16);
  assert.equal(endpoint.balanceLowThreshold, "5.000000");
});

test("limit and balance events are delivered signed, and verify() answers each payload", async () => {
  await admin.events.record({ customerId: "cust_acme", eventType: "llm.completion", value: 85 }); // 85 %: threshold 80
  await admin.events.record({ customerId: "cust_acme", eventType: "llm.completion", value: 15 }); // 100 %: threshold 100
  const denied = await admin.limits.check({ customerId: "cust_acme", meterId: "llm-tokens" }); // limit.exceeded
  assert.equal(denied.allowed, false);
  await admin.balances.credit("cust_acme", { amount: "10" });
  await admin.balances.debit("cust_acme", { amount: "6" }); // available 4 < 5: balance.low
  await admin.balances.debit("cust_acme", { amount: "4" }); // available 0: balance.depleted

  await waitFor(() => received.length >= 5, { what: "5 deliveries", timeoutMs: 8000 });

  for (const delivery of received) {
    assert.match(delivery.id, /^msg_/);
    assert.match(delivery.timestamp, /^\d{10}$/);
    assert.match(delivery.signature, /^v1,[A-Za-z0-9+/]{43}=$/);
    assert.match(delivery.contentType, /^application\/json/);
    const payload = admin.webhooks.verify(delivery.body, delivery.headers, endpoint.secret);
    assert.deepEqual(payload, JSON.parse(delivery.body));
    assert.equal(payload.data.customerId, "cust_acme");
    assert.match(payload.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);
  }

  const thresholds = ofType("limit.threshold").map((d) => verifyWebhook(d.body, d.headers, endpoint.secret).data);
  assert.deepEqual(
    thresholds.map((t) => [t.threshold, t.used, t.limit, t.limitId, t.meterId, t.period, t.mode]),
    [
      [80, 85, 100, "pro:llm-tokens:month", "llm-tokens", "month", "hard"],
      [100, 100, 100, "pro:llm-tokens:month", "llm-tokens", "month", "hard"],
    ],
  );
  assert.equal(thresholds[0].resetsAt, denied.resetsAt);

  const [exceeded] = ofType("limit.exceeded").map((d) => admin.webhooks.verify(d.body, d.headers, endpoint.secret).data);
  assert.equal(exceeded.limitId, "pro:llm-tokens:month");
  assert.equal(exceeded.used, 100);
  assert.equal(exceeded.remaining, 0);
  assert.equal(exceeded.limit, 100);

  const [low] = ofType("balance.low").map((d) => admin.webhooks.verify(d.body, d.headers, endpoint.secret).data);
  assert.equal(low.available, "4.000000");
  assert.equal(low.previousAvailable, "10.000000");
  assert.equal(low.balanceLowThreshold, "5.000000");

  const [depleted] = ofType("balance.depleted").map((d) => admin.webhooks.verify(d.body, d.headers, endpoint.secret).data);
  assert.equal(depleted.available, "0.000000");
  assert.equal(depleted.balance, "0.000000");
  assert.equal(depleted.previousAvailable, "4.000000");

  assert.equal(received.length, 5, "each crossing once");
  assert.equal(new Set(received.map((d) => d.id)).size, 5);

  // The server's log agrees: delivered on the first attempt with the receiver's 204.
  await waitFor(async () => (await admin.webhooks.deliveries(endpoint.id)).data.every((d) => d.state === "delivered"), {
    what: "the deliveries to be marked delivered",
  });
  const log = (await admin.webhooks.deliveries(endpoint.id)).data;
  assert.deepEqual(new Set(log.map((d) => d.id)), new Set(received.map((d) => d.id)));
  for (const d of log) {
    assert.equal(d.attempts, 1);
    assert.equal(d.lastStatus, 204);
    const sent = received.find((r) => r.id === d.id);
    assert.deepEqual(d.payload, JSON.parse(sent.body));
  }
});

test("a test delivery that failed once is sent again under the same webhook-id, and both attempts verify", async () => {
  const before = received.length;
  const queued = await admin.webhooks.test(endpoint.id);
  assert.equal(queued.eventType, "webhook.test");
  await waitFor(() => received.length >= before + 2, { what: "the test delivery and its retry" });
  const attempts = received.slice(before);
  assert.equal(attempts[0].id, queued.id);
  assert.equal(attempts[1].id, queued.id, "a retry keeps its webhook-id");
  assert.equal(attempts[1].body, attempts[0].body, "and its body");
  for (const attempt of attempts) {
    const payload = admin.webhooks.verify(attempt.body, attempt.headers, endpoint.secret);
    assert.equal(payload.type, "webhook.test");
    assert.equal(payload.data.endpointId, endpoint.id);
    assert.equal(payload.data.message, "a test event sent from Meterline");
  }
  await waitFor(async () => (await admin.webhooks.deliveries(endpoint.id)).data.find((d) => d.id === queued.id)?.state === "delivered", {
    what: "the test delivery to be marked delivered",
  });
  const logged = (await admin.webhooks.deliveries(endpoint.id)).data.find((d) => d.id === queued.id);
  assert.deepEqual(logged.attemptLog.map((a) => a.status), [503, 204]);
});

/** A delivery the server really sent, to tamper with below. */
function sample() {
  const delivery = ofType("balance.depleted")[0];
  assert.ok(delivery, "the balance.depleted delivery came");
  return delivery;
}

/** The error a verification throws. */
function refusal(call) {
  try {
    call();
  } catch (error) {
    assert.ok(error instanceof WebhookVerificationError, `not a WebhookVerificationError: ${error}`);
    assert.equal(error.name, "WebhookVerificationError");
    return error;
  }
  assert.fail("the delivery verified");
}

test("a changed body does not verify", () => {
  const { body, headers } = sample();
  assert.ok(body.includes('"cust_acme"'));
  refusal(() => verifyWebhook(body.replace('"cust_acme"', '"cust_evil"'), headers, endpoint.secret));
  refusal(() => verifyWebhook(body + " ", headers, endpoint.secret));
  refusal(() => verifyWebhook(body, { ...headers, "webhook-id": "msg_other" }, endpoint.secret));
});

test("a timestamp more than 300 s from now does not verify; within 300 s it does", () => {
  const { body, headers, timestamp } = sample();
  const sentMs = Number(timestamp) * 1000;
  assert.ok(verifyWebhook(body, headers, endpoint.secret, { now: sentMs + 299_000 }));
  const old = refusal(() => verifyWebhook(body, headers, endpoint.secret, { now: sentMs + 301_000 }));
  assert.match(old.message, /timestamp/);
  refusal(() => verifyWebhook(body, headers, endpoint.secret, { now: sentMs - 301_000 })); // from the future
  refusal(() => verifyWebhook(body, headers, endpoint.secret, { now: sentMs + 3_600_000 }));
  // A tolerance of one's own.
  assert.ok(verifyWebhook(body, headers, endpoint.secret, { now: sentMs + 3_600_000, toleranceSeconds: 7200 }));
  refusal(() => verifyWebhook(body, headers, endpoint.secret, { now: sentMs + 11_000, toleranceSeconds: 10 }));
});

test("a wrong secret does not verify", async () => {
  const { body, headers } = sample();
  refusal(() => verifyWebhook(body, headers, "whsec_" + Buffer.from("not the secret at all!").toString("base64")));
  const other = await admin.webhooks.create({ url: `${receiver.baseUrl}/other`, events: ["balance.low"] });
  assert.notEqual(other.secret, endpoint.secret);
  refusal(() => admin.webhooks.verify(body, headers, other.secret));
  await admin.webhooks.delete(other.id);
});

test("a header with several signatures verifies when any one matches, the second here", () => {
  const { body, headers, signature } = sample();
  const bogus = "v1," + Buffer.alloc(32, 7).toString("base64");
  const both = `${bogus} ${signature}`;
  const payload = verifyWebhook(body, { ...headers, "webhook-signature": both }, endpoint.secret);
  assert.equal(payload.type, "balance.depleted");
  // Other schemes and broken entries are skipped; none matching is refused.
  assert.ok(verifyWebhook(body, { ...headers, "webhook-signature": `v2,abc ${signature.replace("v1,", "v1a,")} ${signature}` }, endpoint.secret));
  refusal(() => verifyWebhook(body, { ...headers, "webhook-signature": `${bogus} v1,${"A".repeat(43)}=` }, endpoint.secret));
  refusal(() => verifyWebhook(body, { ...headers, "webhook-signature": signature.replace("v1,", "v2,") }, endpoint.secret));
});

test("verifyWebhook takes a Headers object, a plain object of any case, and the body as bytes", () => {
  const { body, rawHeaders, headers } = sample();
  const fetchHeaders = new Headers();
  for (let i = 0; i < rawHeaders.length; i += 2) fetchHeaders.append(rawHeaders[i], rawHeaders[i + 1]);
  assert.equal(verifyWebhook(body, fetchHeaders, endpoint.secret).type, "balance.depleted");

  const plain = {
    "Webhook-Id": headers["webhook-id"],
    "Webhook-Timestamp": headers["webhook-timestamp"],
    "WEBHOOK-SIGNATURE": headers["webhook-signature"],
  };
  assert.deepEqual(verifyWebhook(body, plain, endpoint.secret), JSON.parse(body));
  assert.deepEqual(verifyWebhook(new TextEncoder().encode(body), plain, endpoint.secret), JSON.parse(body));
  assert.deepEqual(verifyWebhook(Buffer.from(body), headers, endpoint.secret), JSON.parse(body));
});

test("a body given as bytes is verified as those bytes, even where they are not valid UTF-8", () => {
  // Signed the way the server signs: HMAC-SHA256 over "id.timestamp." and then the body's bytes as sent.
  const bytes = Buffer.concat([Buffer.from('{"type":"balance.low","data":{"note":"'), Buffer.from([0xff]), Buffer.from('"}}')]);
  const id = "msg_bytes";
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(endpoint.secret.slice("whsec_".length), "base64");
  const mac = createHmac("sha256", key).update(`${id}.${timestamp}.`).update(bytes).digest("base64");
  const headers = { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${mac}` };

  assert.equal(verifyWebhook(bytes, headers, endpoint.secret).type, "balance.low");
  assert.equal(verifyWebhook(new Uint8Array(bytes), headers, endpoint.secret).type, "balance.low");
  // A view into a larger buffer is its own bytes, not the whole buffer's.
  const padded = Buffer.concat([Buffer.from("xx"), bytes, Buffer.from("yy")]);
  assert.equal(verifyWebhook(new Uint8Array(padded.buffer, padded.byteOffset + 2, bytes.length), headers, endpoint.secret).type, "balance.low");
  // The same body read as text has lost the byte (U+FFFD is three other bytes): it no longer matches.
  refusal(() => verifyWebhook(bytes.toString("utf8"), headers, endpoint.secret));
});

test("a delivery without one of the three headers does not verify", () => {
  const { body, headers } = sample();
  for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
    const rest = { ...headers };
    delete rest[name];
    const error = refusal(() => verifyWebhook(body, rest, endpoint.secret));
    assert.match(error.message, /missing/);
  }
  refusal(() => verifyWebhook(body, { ...headers, "webhook-timestamp": "soon" }, endpoint.secret));
});
