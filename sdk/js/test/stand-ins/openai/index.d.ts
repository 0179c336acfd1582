export interface ChatCompletion {
  choices: { message: { content: string | null } }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}
export default class OpenAI {
  constructor(options?: { apiKey?: string; baseURL?: string });
  chat: {
    completions: {
      create(body: { model: string; messages: { role: "system" | "user" | "assistant"; content: string }[] }): Promise<ChatCompletion>;
    };
  };
}
