// What a failed call throws. The fields are the server's error body (SPEC §3) plus the answer's status and its
// Request-Id header, so that a log line can be matched to the server's answer.

export class MeterlineError extends Error {
  /** HTTP status; 0 when no answer came (connection error, timeout). */
  readonly status: number;
  /** The server's error code (`invalid_request`, `customer_not_found`, `rate_limited`, …). */
  readonly code: string;
  /** The request field at fault, when the server names one (`value`, `events[2].value`). */
  readonly field: string | undefined;
  /** The answer's `Request-Id` header. */
  readonly requestId: string | undefined;

  constructor(init: { status: number; code: string; message: string; field?: string; requestId?: string; cause?: unknown }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "MeterlineError";
    this.status = init.status;
    this.code = init.code;
    this.field = init.field;
    this.requestId = init.requestId;
  }
}

/** No answer came: the connection failed or the per-request timeout passed (code `connection_error` or `timeout`). */
export class MeterlineConnectionError extends MeterlineError {
  constructor(code: "connection_error" | "timeout", message: string, cause?: unknown) {
    super({ status: 0, code, message, cause });
    this.name = "MeterlineConnectionError";
  }
}

/** A webhook delivery that does not verify: wrong signature, missing header or a timestamp out of tolerance. */
export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookVerificationError";
  }
}
