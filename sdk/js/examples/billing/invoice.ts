import Stripe from "stripe";
import Meterline from "meterline";

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY);
const meterline = new Meterline({ apiKey: process.env.METERLINE_API_KEY });

// Query this month's usage
const meter = await meterline.meters.get({
  customerId: "cust_acme",
  meterId: "llm-tokens",
  period: "current_month",
});

// Send to Stripe as a usage line item
await stripe.invoiceItems.create({
  customer: "cus_abc123",
  quantity: meter.value,
  price: "price_per_token",
});
