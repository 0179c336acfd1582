import Meterline from "meterline";
import OpenAI from "openai";

const meterline = new Meterline({ apiKey: process.env.METERLINE_API_KEY });
const openai = new OpenAI();

export async function POST(req: Request) {
  const { customerId, prompt } = await req.json();

  // 1. Check — is the customer within limits?
  const check = await meterline.limits.check({
    customerId,
    meterId: "llm-tokens",
  });

  if (!check.allowed) {
    return Response.json(
      { error: "Usage limit reached", resetsAt: check.resetsAt },
      { status: 429 },
    );
  }

  // 2. Call — make the AI request as usual
  const completion = await openai.chat.completions.create({
    model: "gpt-4o",
    messages: [{ role: "user", content: prompt }],
  });

  // 3. Record — tell Meterline what happened
  await meterline.events.record({
    customerId,
    eventType: "llm.completion",
    value: completion.usage?.total_tokens ?? 0,
    dimensions: { model: "gpt-4o", team: "engineering" },
  });

  return Response.json({
    text: completion.choices[0].message.content,
  });
}
