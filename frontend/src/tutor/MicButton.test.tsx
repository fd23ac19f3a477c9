import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it, vi } from "vitest";
import type { VoicePhase } from "../audio/voiceState";
import { ROUTER_FUTURE } from "../App";
import { balance, json, requestsTo } from "../test/app";
import { MicButton } from "./MicButton";

function renderMic(phase: VoicePhase, minutesLeft: () => number, active = false) {
  vi.mocked(fetch).mockImplementation(async () =>
    json(200, { ...balance, minutes_left: minutesLeft(), low_balance: minutesLeft() <= 1 }));
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const mic = (phase: VoicePhase, active: boolean) => (
    <QueryClientProvider client={queryClient}>
      <MemoryRouter future={ROUTER_FUTURE}>
        <MicButton phase={phase} active={active} onStart={vi.fn()} onStop={vi.fn()} />
      </MemoryRouter>
    </QueryClientProvider>
  );
  const view = render(mic(phase, active));
  return {
    button: screen.getByRole("button"),
    rerender: (next: VoicePhase) => view.rerender(mic(next, false)),
  };
}

const mic = () => screen.getByRole("button").closest(".mic") as HTMLElement;

describe("the microphone with no minutes left", () => {
  it("says the minutes ran out and leads to the top-up, not to an error", async () => {
    const { button } = renderMic("off", () => 0);
    await vi.waitFor(() =>
      expect(within(mic()).getByRole("status").textContent).toBe("Минуты закончились"));
    expect(within(mic()).getByRole("link", { name: "Пополнить баланс" }).getAttribute("href"))
      .toBe("/billing");
    expect(button).toHaveProperty("disabled", true);
    expect(mic().textContent).not.toContain("Ошибка");
  });

  it("reads the balance again when the server refuses a minute", async () => {
    let minutes = 3;
    const { rerender } = renderMic("listening", () => minutes, true);
    await vi.waitFor(() => expect(requestsTo("GET /api/billing/balance")).toHaveLength(1));
    minutes = 0; // the last minute went while the page still shows 3
    rerender("no_minutes");
    expect(await within(mic()).findByRole("link", { name: "Пополнить баланс" })).toBeTruthy();
    expect(within(mic()).getByRole("status").textContent).toBe("Минуты закончились");
  });

  it("opens again once the balance has minutes", async () => {
    const { button } = renderMic("no_minutes", () => 5);
    await vi.waitFor(() => expect(within(mic()).getByRole("status").textContent)
      .toBe("Нажмите, чтобы говорить"));
    expect(button).toHaveProperty("disabled", false);
    expect(within(mic()).queryByRole("link")).toBeNull();
  });
});
