// One HTTP call to the server with what a caller of a metering API needs: the key, a per-request timeout, and
// retries with exponential backoff and full jitter on connection errors, 5xx and 429 (waiting out Retry-After).
// A call retries only when repeating it cannot count something twice: reads, PUT/DELETE, and the POSTs that
// carry an idempotency key or change nothing (a check without a hold); any other POST is retried only when the
// server refused it before doing anything (429) or the connection was refused.

import { MeterlineConnectionError, MeterlineError } from "./errors.js";

export interface TransportOptions {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
  maxRetries: number;
  fetch: typeof fetch;
  /** Sleeps between attempts; tests replace it to run without waiting. */
  sleep?: (ms: number) => Promise<void>;
}

export type Query = Record<string, string | number | boolean | Date | string[] | undefined | null>;

export interface RequestSpec {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  /** Repeating the call cannot count anything twice (see the file's comment). Defaults by method. */
  repeatable?: boolean;
  /** Answer as text (CSV exports, /metrics) rather than JSON. */
  text?: boolean;
}

const kBaseDelayMs = 500;
const kMaxDelayMs = 8_000;
const kMaxRetryAfterMs = 60_000;

export class Transport {
  readonly #options: TransportOptions;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: TransportOptions) {
    this.#options = options;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async request<T>(spec: RequestSpec): Promise<T> {
    const repeatable = spec.repeatable ?? spec.method !== "POST";
    const url = this.#url(spec.path, spec.query);
    const headers: Record<string, string> = {
      Accept: spec.text ? "text/csv, text/plain, */*" : "application/json",
      "User-Agent": "meterline-js/0.1.0",
      ...spec.headers,
    };
    if (this.#options.apiKey) headers.Authorization = `Bearer ${this.#options.apiKey}`;
    let body: string | undefined;
    if (spec.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(spec.body);
    }

    for (let attempt = 0; ; ++attempt) {
      const retriesLeft = attempt < this.#options.maxRetries;
      let response: Answer;
      try {
        response = await this.#fetchWithTimeout(url, { method: spec.method, headers, body });
      } catch (error) {
        const failure = error as MeterlineConnectionError;
        const refused = connectionRefused(failure.cause);
        if (retriesLeft && (repeatable || refused)) {
          await this.#sleep(backoffMs(attempt));
          continue;
        }
        throw failure;
      }

      if (response.ok) {
        if (response.status === 204) return undefined as T;
        if (spec.text) return response.text as T;
        return jsonOf<T>(response);
      }
      const retryable = response.status === 429 || (repeatable && response.status >= 500);
      if (retriesLeft && retryable) {
        await this.#sleep(retryAfterMs(response.headers.get("retry-after")) ?? backoffMs(attempt));
        continue;
      }
      throw errorFrom(response);
    }
  }

  // Percent-encoded throughout (a space is %20, never "+", which the server reads as a plus); arrays repeat the
  // name; dates are ISO 8601 UTC in seconds; undefined and null are left out.
  #url(path: string, query?: Query): string {
    const parts: string[] = [];
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      for (const item of Array.isArray(value) ? value : [value])
        parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(item instanceof Date ? isoSeconds(item) : String(item))}`);
    }
    return this.#options.baseUrl.replace(/\/+$/, "") + path + (parts.length > 0 ? `?${parts.join("&")}` : "");
  }

  /** One attempt, its answer read whole within the timeout (headers alone do not end it: the body may stall). */
  async #fetchWithTimeout(url: string, init: RequestInit): Promise<Answer> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#options.timeoutMs);
    try {
      const response = await this.#options.fetch(url, { ...init, signal: controller.signal });
      const text = await response.text();
      return { status: response.status, ok: response.ok, statusText: response.statusText, headers: response.headers, text };
    } catch (error) {
      if (controller.signal.aborted)
        throw new MeterlineConnectionError("timeout", `no answer from ${url} within ${this.#options.timeoutMs} ms`, error);
      throw new MeterlineConnectionError("connection_error", `cannot reach ${url}: ${describe(error)}`, error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Full jitter: a random wait up to min(8 s, 0.5 s × 2^attempt). */
export function backoffMs(attempt: number): number {
  return Math.random() * Math.min(kMaxDelayMs, kBaseDelayMs * 2 ** attempt);
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), capped at a minute; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), kMaxRetryAfterMs);
}

/** A time as the API writes it: ISO 8601 UTC, whole seconds unless it has milliseconds. */
function isoSeconds(time: Date): string {
  return time.toISOString().replace(/\.000Z$/, "Z");
}

/** A 2xx answer's JSON; a body that is not JSON (a proxy's page) is a MeterlineError, not a bare SyntaxError. */
function jsonOf<T>(response: Answer): T {
  try {
    return JSON.parse(response.text) as T;
  } catch {
    throw new MeterlineError({
      status: response.status,
      code: "invalid_response",
      message: `the answer is not JSON: ${response.text.slice(0, 200)}`,
      requestId: response.headers.get("request-id") ?? undefined,
    });
  }
}

/** An attempt's answer with its body already read. */
interface Answer {
  status: number;
  ok: boolean;
  statusText: string;
  headers: Headers;
  text: string;
}

function errorFrom(response: Answer): MeterlineError {
  const requestId = response.headers.get("request-id") ?? undefined;
  const text = response.text;
  let error: { code?: unknown; message?: unknown; field?: unknown } | undefined;
  try {
    error = (JSON.parse(text) as { error?: typeof error }).error;
  } catch {
    error = undefined;
  }
  return new MeterlineError({
    status: response.status,
    code: typeof error?.code === "string" ? error.code : `http_${response.status}`,
    message: typeof error?.message === "string" ? error.message : text.slice(0, 200) || response.statusText,
    field: typeof error?.field === "string" ? error.field : undefined,
    requestId,
  });
}

function connectionRefused(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e)
    if (e.code === "ECONNREFUSED") return true;
  return false;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { message?: string } })?.cause;
  return cause?.message ?? (error as Error)?.message ?? String(error);
}
