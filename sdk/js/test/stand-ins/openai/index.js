// A stand-in for the `openai` package in the examples' tests: the same call the brief's route makes,
// sent over HTTP to OPENAI_BASE_URL (a local stand-in for the provider started by the test).
export default class OpenAI {
  constructor(options = {}) {
    this.baseURL = options.baseURL ?? process.env.OPENAI_BASE_URL;
    this.chat = {
      completions: {
        create: async (body) => {
          const response = await fetch(`${this.baseURL}/chat/completions`, {
            method: "POST",
            headers: { "Content-Type": "application/json", Authorization: `Bearer ${process.env.OPENAI_API_KEY}` },
            body: JSON.stringify(body),
          });
          if (!response.ok) throw new Error(`provider answered ${response.status}`);
          return response.json();
        },
      },
    };
  }
}
