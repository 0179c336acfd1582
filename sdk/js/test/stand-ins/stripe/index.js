// A stand-in for the `stripe` package in the examples' tests: invoiceItems.create as Stripe's API takes it
// (POST /v1/invoiceitems, form-encoded, the secret key as Bearer), sent to STRIPE_BASE_URL, a local stand-in.
export default class Stripe {
  constructor(secretKey) {
    this.invoiceItems = {
      create: async (params) => {
        const response = await fetch(`${process.env.STRIPE_BASE_URL}/v1/invoiceitems`, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Bearer ${secretKey}` },
          body: new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString(),
        });
        if (!response.ok) throw new Error(`stripe answered ${response.status}`);
        return response.json();
      },
    };
  }
}
