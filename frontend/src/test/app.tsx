import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { vi } from "vitest";
import type { Schemas, UserPublic } from "../api/client";
import { App, ROUTER_FUTURE } from "../App";

/** Replies by "METHOD /path"; a request with no reply fails the test. */
type Replies = Record<string, () => Response>;

export const student: UserPublic = {
  id: 7,
  email: "anna@example.com",
  name: "Анна",
  role: "student",
  created_at: "2025-01-15T10:00:00Z",
};

export const balance: Schemas["BalancePublic"] = {
  balance_kopecks: 29_500,
  price_per_minute_kopecks: 500,
  minutes_left: 59,
  low_balance: false,
  test_payments: true,
};

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

export const loggedOut = () =>
  json(401, { error: { code: "not_authenticated", message: "Нужно войти в аккаунт." } });

export function renderApp(path: string, replies: Replies) {
  vi.mocked(fetch).mockImplementation(async (input) => {
    const key = requestKey(input as Request);
    const reply = replies[key];
    if (!reply) throw new Error(`unexpected request: ${key}`);
    return reply();
  });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={[path]} future={ROUTER_FUTURE}>
        <App />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

function requestKey(request: Request): string {
  return `${request.method} ${new URL(request.url).pathname}`;
}

function sent(): Request[] {
  return vi.mocked(fetch).mock.calls.map(([input]) => (input as Request).clone());
}

/** The requests the app sent, as "METHOD /path" with the JSON body if any. */
export async function sentRequests(): Promise<{ key: string; body: unknown }[]> {
  return Promise.all(
    sent().map(async (request) => {
      const text = await request.text();
      return { key: requestKey(request), body: text ? JSON.parse(text) : undefined };
    }),
  );
}

/** The requests sent to "METHOD /path", to check their headers and query. */
export function requestsTo(key: string): Request[] {
  return sent().filter((request) => requestKey(request) === key);
}
