import { Transport } from "./transport.js";
import * as R from "./resources.js";

export interface MeterlineOptions {
  /** An API key (`mlk_…`); default: the environment's METERLINE_API_KEY. */
  apiKey?: string | undefined;
  /** The server; default: METERLINE_BASE_URL, else http://127.0.0.1:8787. */
  baseUrl?: string | undefined;
  /** Per-request timeout in ms, each attempt on its own (default 30,000). */
  timeoutMs?: number;
  /** Retries after the first attempt on connection errors, 5xx and 429 (default 2). */
  maxRetries?: number;
  /** A fetch of your own (tests, proxies); default: Node's global fetch. */
  fetch?: typeof fetch;
}

/** The Meterline API: `new Meterline({ apiKey })`, then `limits.check`, `events.record`, `meters.get`, … */
export class Meterline {
  readonly limits: R.Limits;
  readonly events: R.Events;
  readonly meters: R.Meters;
  readonly usage: R.Usage;
  readonly customers: R.Customers;
  readonly plans: R.Plans;
  readonly balances: R.Balances;
  readonly webhooks: R.Webhooks;
  readonly apiKeys: R.ApiKeys;
  readonly reservations: R.Reservations;
  readonly exports: R.Exports;

  constructor(options: MeterlineOptions = {}) {
    const apiKey = options.apiKey ?? process.env.METERLINE_API_KEY;
    if (!apiKey) throw new Error("Meterline: no API key (pass apiKey or set METERLINE_API_KEY)");
    const transport = new Transport({
      apiKey,
      baseUrl: options.baseUrl ?? process.env.METERLINE_BASE_URL ?? "http://127.0.0.1:8787",
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 2,
      fetch: options.fetch ?? globalThis.fetch,
    });
    this.limits = new R.Limits(transport);
    this.events = new R.Events(transport);
    this.meters = new R.Meters(transport);
    this.usage = new R.Usage(transport);
    this.customers = new R.Customers(transport);
    this.plans = new R.Plans(transport);
    this.balances = new R.Balances(transport);
    this.webhooks = new R.Webhooks(transport);
    this.apiKeys = new R.ApiKeys(transport);
    this.reservations = new R.Reservations(transport);
    this.exports = new R.Exports(transport);
  }
}
