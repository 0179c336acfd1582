// The API's resources, one class each, mirroring SPEC §3 and docs/openapi.yaml. Each method is one call (or, for
// the async iterators, one call a page).

import { randomUUID } from "node:crypto";
import type { Query, Transport } from "./transport.js";
import type * as T from "./types.js";
import { verifyWebhook, type VerifyOptions, type WebhookHeaders } from "./webhooks-verify.js";

const seg = encodeURIComponent;

/** Pages through a cursor-paged list: one request a page, items in the server's order. */
async function* paged<Item>(fetchPage: (cursor?: string) => Promise<{ data: Item[]; nextCursor?: string | null }>) {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield* page.data;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** The query with each dimension filter written as the API reads it: filter.<dimension>=<value>. */
function withFilters(query: Query, filters?: Record<string, string>): Query {
  const written: Query = { ...query };
  for (const [dimension, value] of Object.entries(filters ?? {})) written[`filter.${dimension}`] = value;
  return written;
}

/** Makes the idempotency key of a call once, so that every retry of it carries the same key. */
function idempotencyKey(): string {
  return `sdk_${randomUUID()}`;
}

abstract class Resource {
  constructor(protected readonly transport: Transport) {}
}

/** CRUD over /v1/<name>: list, create, retrieve, replace or patch, delete. */
abstract class Collection<Item, Create, Update> extends Resource {
  protected abstract readonly path: string;
  protected readonly updateMethod: "PUT" | "PATCH" = "PUT";

  async list(query?: Query): Promise<Item[]> {
    const page = await this.transport.request<{ data: Item[] }>({ method: "GET", path: this.path, query });
    return page.data;
  }
  create(body: Create): Promise<Item> {
    return this.transport.request({ method: "POST", path: this.path, body });
  }
  retrieve(id: string): Promise<Item> {
    return this.transport.request({ method: "GET", path: `${this.path}/${seg(id)}` });
  }
  update(id: string, body: Update): Promise<Item> {
    return this.transport.request({ method: this.updateMethod, path: `${this.path}/${seg(id)}`, body });
  }
  async delete(id: string): Promise<void> {
    await this.transport.request({ method: "DELETE", path: `${this.path}/${seg(id)}` });
  }
}

export class Limits extends Collection<T.Limit, T.CreateLimitRequest, T.UpdateLimitRequest> {
  protected readonly path = "/v1/limits";

  /** Is the customer within its limits (one meter, or all of them without meterId)? `reserve` holds units. */
  check(request: T.CheckRequest): Promise<T.CheckResult> {
    // A check changes nothing, so repeating it after a lost answer is safe; a check that holds units (reserve) has
    // no idempotency key, and its retry could hold them twice until the first hold expires.
    return this.transport.request({ method: "POST", path: "/v1/limits/check", body: request, repeatable: !request.reserve });
  }
}

export class Events extends Resource {
  /** Records one event; without an idempotencyKey one is made here, so that a retry is counted once. */
  record(event: T.RecordEventRequest): Promise<T.RecordedEvent> {
    const body = { ...event, idempotencyKey: event.idempotencyKey ?? idempotencyKey() };
    return this.transport.request({ method: "POST", path: "/v1/events", body, repeatable: true });
  }

  /** Records up to 10,000 events in one call; each event without a key gets one, made once for every retry. */
  recordBatch(events: T.RecordBatchRequest["events"] | T.RecordBatchRequest): Promise<T.BatchResult> {
    const list = Array.isArray(events) ? events : events.events;
    const body = { events: list.map((e) => ({ ...e, idempotencyKey: e.idempotencyKey ?? idempotencyKey() })) };
    return this.transport.request({ method: "POST", path: "/v1/events/batch", body, repeatable: true });
  }

  /** Every matching event, newest first, one request a page. */
  list(query: T.ListEventsQuery = {}): AsyncGenerator<T.Event> {
    return paged((cursor) => this.page({ ...query, cursor }));
  }
  /** One page of events and the cursor of the next. */
  page(query: T.ListEventsQuery & { cursor?: string } = {}): Promise<T.EventsPage> {
    const { filter, ...rest } = query;
    return this.transport.request({ method: "GET", path: "/v1/events", query: withFilters(rest as Query, filter) });
  }
}

export interface MeterUsageRequest {
  meterId: string;
  customerId?: string;
  period?: "current_hour" | "current_day" | "current_week" | "current_month" | "previous_month" | "lifetime";
  from?: string | Date;
  to?: string | Date;
  /** Dimension names or "customerId": one group a distinct combination. */
  groupBy?: string | string[];
  window?: "hour" | "day" | "month";
  /** Only events whose dimension has this value (sent as filter.<dimension>=<value>). */
  filters?: Record<string, string>;
}

export class Meters extends Collection<T.Meter, T.CreateMeterRequest, T.UpdateMeterRequest> {
  protected readonly path = "/v1/meters";

  /** The meter's aggregate over a period or a range, per customer or for all, grouped or windowed on request. */
  get(request: MeterUsageRequest): Promise<T.MeterUsage> {
    const { meterId, filters, ...rest } = request;
    return this.transport.request({ method: "GET", path: `/v1/meters/${seg(meterId)}/usage`, query: withFilters(rest, filters) });
  }
}

export class Usage extends Resource {
  /** Every customer × meter figure of a period, one request a page. */
  summary(query: T.UsageSummaryQuery): Promise<T.UsageSummary> {
    return this.transport.request({ method: "GET", path: "/v1/usage/summary", query: query as Query });
  }
}

export class Customers extends Collection<T.Customer, T.CreateCustomerRequest, T.UpdateCustomerRequest> {
  protected readonly path = "/v1/customers";
  protected override readonly updateMethod = "PATCH";
}

export class Plans extends Collection<T.Plan, T.CreatePlanRequest, T.UpdatePlanRequest> {
  protected readonly path = "/v1/plans";
}

export class Balances extends Resource {
  get(customerId: string): Promise<T.Balance> {
    return this.transport.request({ method: "GET", path: `/v1/customers/${seg(customerId)}/balance` });
  }
  /** Every customer's balance, one request a page (`limit` a page). */
  list(query: { limit?: number } = {}): AsyncGenerator<T.Balance> {
    return paged((cursor) => this.page({ ...query, cursor }));
  }
  /** One page of balances and the cursor of the next. */
  page(query: { limit?: number; cursor?: string } = {}): Promise<T.BalancesPage> {
    return this.transport.request({ method: "GET", path: "/v1/balances", query });
  }
  /** Adds credits; the idempotency key (made here when not given) makes a retry apply once. */
  credit(customerId: string, request: T.CreditRequest): Promise<T.Transaction> {
    return this.#move("credit", customerId, request);
  }
  /** Takes credits; fails whole with 402 insufficient_balance when available would go below zero. */
  debit(customerId: string, request: T.DebitRequest): Promise<T.Transaction> {
    return this.#move("debit", customerId, request);
  }
  setReserve(customerId: string, reserve: string): Promise<T.Balance> {
    return this.transport.request({ method: "PUT", path: `/v1/customers/${seg(customerId)}/balance/reserve`, body: { reserve } });
  }
  /** The customer's ledger, newest first, one request a page. */
  transactions(customerId: string): AsyncGenerator<T.Transaction> {
    return paged((cursor) =>
      this.transport.request<T.TransactionsPage>({ method: "GET", path: `/v1/customers/${seg(customerId)}/balance/transactions`, query: { cursor } }),
    );
  }

  #move(kind: "credit" | "debit", customerId: string, request: T.CreditRequest): Promise<T.Transaction> {
    const body = { ...request, idempotencyKey: request.idempotencyKey ?? idempotencyKey() };
    return this.transport.request({ method: "POST", path: `/v1/customers/${seg(customerId)}/balance/${kind}`, body, repeatable: true });
  }
}

export class Webhooks extends Resource {
  async list(): Promise<T.Webhook[]> {
    return (await this.transport.request<{ data: T.Webhook[] }>({ method: "GET", path: "/v1/webhooks" })).data;
  }
  /** The answer holds the endpoint's signing secret, shown this once. */
  create(request: T.CreateWebhookRequest): Promise<T.CreatedWebhook> {
    return this.transport.request({ method: "POST", path: "/v1/webhooks", body: request });
  }
  async delete(id: string): Promise<void> {
    await this.transport.request({ method: "DELETE", path: `/v1/webhooks/${seg(id)}` });
  }
  deliveries(id: string, query?: T.DeliveriesQuery): Promise<T.DeliveriesPage> {
    return this.transport.request({ method: "GET", path: `/v1/webhooks/${seg(id)}/deliveries`, query: query as Query });
  }
  /** Queues a test delivery to the endpoint. */
  test(id: string): Promise<unknown> {
    return this.transport.request({ method: "POST", path: `/v1/webhooks/${seg(id)}/test` });
  }
  /** Sends a failed or pending delivery again now. */
  retryDelivery(id: string, deliveryId: string): Promise<unknown> {
    return this.transport.request({ method: "POST", path: `/v1/webhooks/${seg(id)}/deliveries/${seg(deliveryId)}/retry` });
  }
  /** Verifies a delivery (Standard Webhooks) and answers its payload; throws WebhookVerificationError. */
  verify<P = { type: string; timestamp: string; data: Record<string, unknown> }>(
    body: string | Uint8Array,
    headers: WebhookHeaders,
    secret: string,
    options?: VerifyOptions,
  ): P {
    return verifyWebhook<P>(body, headers, secret, options);
  }
}

export class ApiKeys extends Resource {
  async list(): Promise<T.ApiKey[]> {
    return (await this.transport.request<{ data: T.ApiKey[] }>({ method: "GET", path: "/v1/api-keys" })).data;
  }
  /** The answer holds the key itself, shown this once. */
  create(request: T.CreateApiKeyRequest): Promise<T.CreatedApiKey> {
    return this.transport.request({ method: "POST", path: "/v1/api-keys", body: request });
  }
  async delete(id: string): Promise<void> {
    await this.transport.request({ method: "DELETE", path: `/v1/api-keys/${seg(id)}` });
  }
}

export class Reservations extends Resource {
  retrieve(id: string): Promise<T.Reservation> {
    return this.transport.request({ method: "GET", path: `/v1/reservations/${seg(id)}` });
  }
}

export class Exports extends Resource {
  /** The invoice CSV of SPEC §4 for a period (or from/to), as text. */
  invoicesCsv(query: T.InvoicesCsvQuery): Promise<string> {
    return this.transport.request({ method: "GET", path: "/v1/exports/invoices.csv", query: query as Query, text: true });
  }
  /** The usage CSV: one row a day, customer and meter, of a period or a range, as text. */
  usageCsv(query: T.UsageCsvQuery): Promise<string> {
    return this.transport.request({ method: "GET", path: "/v1/exports/usage.csv", query: query as Query, text: true });
  }
}
