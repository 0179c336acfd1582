// The product brief's two snippets (examples/), run as a customer runs them against a real meterline-server:
// the chat route as a real handler until the customer is denied, with a local stand-in for the LLM provider; the
// billing job reading this month's value and handing it to a local stand-in for Stripe's invoice-items endpoint.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import Meterline from "../dist/index.js";
import { startServer } from "./support/server.mjs";

const sdk = fileURLToPath(new URL("..", import.meta.url));
const tokensPerCompletion = 400;
let server, admin, app, provider, stripe;
const providerCalls = [];
const invoiceItems = [];

/** A local HTTP server answering each request with handle(request, body); resolves to its base URL. */
async function standIn(handle) {
  const http = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      const [status, answer] = handle(request, body);
      response.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(answer));
    });
  });
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  return { http, url: `http://127.0.0.1:${http.address().port}` };
}

/** The examples compiled as a customer's build would (types stripped), in a folder whose node_modules holds
 *  this SDK and the stand-ins for openai and stripe. */
function buildApp() {
  const dir = mkdtempSync(join(tmpdir(), "meterline-examples-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(sdk, join(dir, "node_modules", "meterline"));
  for (const name of ["openai", "stripe"]) symlinkSync(join(sdk, "test", "stand-ins", name), join(dir, "node_modules", name));
  writeFileSync(join(dir, "package.json"), '{"type":"module"}');
  for (const file of ["app/api/chat/route.ts", "billing/invoice.ts"]) {
    const source = readFileSync(join(sdk, "examples", file), "utf8");
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    });
    const out = join(dir, file.replace(/\.ts$/, ".js"));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  return dir;
}

before(async () => {
  server = await startServer();
  admin = new Meterline({ apiKey: server.adminKey, baseUrl: server.baseUrl });
  provider = await standIn((request, body) => {
    providerCalls.push({ path: request.url, body: JSON.parse(body) });
    return [200, { choices: [{ message: { role: "assistant", content: "Hello from the stand-in" } }], usage: { total_tokens: tokensPerCompletion } }];
  });
  stripe = await standIn((request, body) => {
    invoiceItems.push({ path: request.url, authorization: request.headers.authorization, form: Object.fromEntries(new URLSearchParams(body)) });
    return [200, { id: "ii_standin", object: "invoiceitem" }];
  });
  await admin.meters.create({ id: "llm-tokens", name: "LLM tokens", aggregation: "sum", eventTypes: ["llm.completion"] });
  await admin.plans.create({ id: "free", name: "Free", limits: [{ meterId: "llm-tokens", period: "month", value: 1000 }] });
  await admin.customers.create({ id: "cust_acme", name: "Acme", planId: "free", externalId: "cus_abc123" });

  Object.assign(process.env, {
    METERLINE_API_KEY: server.key("ingest"),
    METERLINE_BASE_URL: server.baseUrl,
    OPENAI_BASE_URL: provider.url,
    OPENAI_API_KEY: "sk-standin",
    STRIPE_SECRET_KEY: "sk_test_standin",
    STRIPE_BASE_URL: stripe.url,
  });
  app = buildApp();
});

after(async () => {
  await server?.stop();
  provider?.http.close();
  stripe?.http.close();
  if (app) rmSync(app, { recursive: true, force: true });
});

test("the examples are the brief's snippets but for the import line and the client's name", () => {
  for (const [example, brief] of [["app/api/chat/route.ts", "route.ts"], ["billing/invoice.ts", "invoice.ts"]]) {
    const renamed = readFileSync(join(sdk, "test/fixtures/brief", brief), "utf8")
      .replaceAll("Limitry", "Meterline")
      .replaceAll("limitry", "meterline")
      .replaceAll("LIMITRY", "METERLINE");
    assert.equal(readFileSync(join(sdk, "examples", example), "utf8").trimEnd(), renamed.trimEnd(), example);
  }
});

test("the chat route answers until the month's 1000 tokens are used, then 429 with resetsAt", async () => {
  const { POST } = await import(pathToFileURL(join(app, "app/api/chat/route.js")).href);
  const ask = () =>
    POST(new Request("http://app.test/api/chat", { method: "POST", body: JSON.stringify({ customerId: "cust_acme", prompt: "Hi" }) }));

  // 0, 400 and 800 tokens used are under the cap of 1000: three answers; at 1200 the check denies.
  for (let i = 0; i < 3; ++i) {
    const answer = await ask();
    assert.equal(answer.status, 200);
    assert.deepEqual(await answer.json(), { text: "Hello from the stand-in" });
  }
  const denied = await ask();
  assert.equal(denied.status, 429);
  const now = new Date();
  const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().replace(".000Z", "Z");
  assert.deepEqual(await denied.json(), { error: "Usage limit reached", resetsAt: nextMonth });

  assert.equal(providerCalls.length, 3, "no provider call once denied");
  assert.deepEqual(providerCalls[0].body, { model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] });
  const usage = await admin.meters.get({ customerId: "cust_acme", meterId: "llm-tokens", period: "current_month" });
  assert.equal(usage.value, 3 * tokensPerCompletion);
  const events = [];
  for await (const event of admin.events.list({ customerId: "cust_acme" })) events.push(event);
  assert.equal(events.length, 3);
  assert.deepEqual(events[0].dimensions, { model: "gpt-4o", team: "engineering" });
});

test("the billing job sends this month's meter value to Stripe's invoice items", async () => {
  const usage = await admin.meters.get({ customerId: "cust_acme", meterId: "llm-tokens", period: "current_month" });
  assert.ok(usage.value > 0);
  // The billing job is a program of its own, with a key of the read scope (the chat route's ingest key cannot read).
  process.env.METERLINE_API_KEY = server.key("read");
  await import(pathToFileURL(join(app, "billing/invoice.js")).href);
  assert.deepEqual(invoiceItems, [
    {
      path: "/v1/invoiceitems",
      authorization: "Bearer sk_test_standin",
      form: { customer: "cus_abc123", quantity: String(usage.value), price: "price_per_token" },
    },
  ]);
});
