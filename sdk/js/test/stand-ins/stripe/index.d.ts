export default class Stripe {
  constructor(secretKey: string | undefined);
  invoiceItems: {
    create(params: { customer: string; quantity?: number; price?: string }): Promise<{ id: string; object: "invoiceitem" }>;
  };
}
