import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { UserPublic } from "../api/client";
import { json, renderApp, requestsTo, sentRequests, student } from "../test/app";
import type { Rule, RuleDraft } from "./rules";

const recorded = new Blob(["RIFF"], { type: "audio/wav" });
vi.mock("../audio/recorder", () => ({
  recordSpeech: async () => ({ stop: async () => recorded, ended: Promise.resolve(recorded) }),
}));

const admin: UserPublic = { ...student, id: 1, email: "boss@example.com", name: "Ольга", role: "admin" };

const brainRule: Rule = {
  id: 3, scope: "student", level: null, student_id: 7, student_label: "Анна (anna@example.com)",
  trigger: "articles", instruction: "Recast the sentence with the right article.", priority: 33,
  enabled: true, source: "brain", created_by: null, evidence_count: 4,
  created_at: "2025-02-01T09:00:00Z", expires_at: "2025-02-15T09:00:00Z",
};
const adminRule: Rule = {
  ...brainRule, id: 5, scope: "level", level: "B1", student_id: null, student_label: null,
  trigger: "always", instruction: "Ask about weekend plans in every answer.", priority: 60,
  source: "admin", created_by: "boss@example.com", evidence_count: 0, expires_at: null,
};
const draft: RuleDraft = {
  scope: "all", level: null, student_id: null, student_label: null, trigger: "tense",
  instruction: "When the student mixes up Present Perfect and Past Simple, ask when it happened.",
  priority: 50, expires_in_days: 7, expires_at: "2025-02-08T10:00:00Z",
  heard: "Когда ученик путает времена, спроси про время действия.", notes: [],
};

const screenReplies = {
  "GET /api/auth/me": () => json(200, admin),
  "GET /api/admin/rules": () => json(200, { items: [adminRule, brainRule], total: 2 }),
};

describe("the rules screen", () => {
  it("lists every rule in force, filters them and switches one off", async () => {
    const user = userEvent.setup();
    renderApp("/admin/rules", {
      ...screenReplies,
      "POST /api/admin/rules/3/disable": () => json(200, { ...brainRule, enabled: false }),
    });
    expect(await screen.findByRole("heading", { name: "Правила репетитора" })).toBeTruthy();
    const list = await screen.findByRole("region", { name: "Правила: 2" });
    const [first, second] = within(list).getAllByRole("listitem");
    expect(first!.textContent).toContain("Уровень B1");
    expect(first!.textContent).toContain("Всегда");
    expect(second!.textContent).toContain("Ошибки: артикли");
    expect(second!.textContent).toContain("Из ошибок ученика");
    // The brain's rules are switched or deleted, not rewritten.
    expect(within(second!).queryByRole("button", { name: /^Изменить/ })).toBeNull();
    expect(within(first!).getByRole("button", { name: /^Изменить/ })).toBeTruthy();

    await user.selectOptions(screen.getByLabelText("Откуда"), "brain");
    await waitFor(() => {
      const last = new URL(requestsTo("GET /api/admin/rules").at(-1)!.url);
      expect(last.searchParams.get("source")).toBe("brain");
    });
    await user.click(within(second!).getByRole("button", { name: /^Выключить/ }));
    expect((await screen.findByRole("status")).textContent).toBe("Правило выключено.");
  });

  it("drafts a typed instruction, lets the admin edit it and saves it", async () => {
    const user = userEvent.setup();
    renderApp("/admin/rules", {
      ...screenReplies,
      "POST /api/admin/rules/draft": () => json(200, draft),
      "POST /api/admin/rules": () => json(201, { ...adminRule, id: 9 }),
    });
    await user.click(await screen.findByRole("button", { name: "Новое правило" }));
    await user.type(screen.getByLabelText(/Что должен делать репетитор/), draft.heard);
    await user.click(screen.getByRole("button", { name: "Составить черновик" }));
    const form = await screen.findByRole("form", { name: "Правило" });
    expect(screen.getByText(/Понято из слов/).closest("p")!.textContent).toContain(draft.heard);
    expect((within(form).getByLabelText(/Инструкция/) as HTMLTextAreaElement).value)
      .toBe(draft.instruction);
    expect((within(form).getByLabelText("Когда действует") as HTMLSelectElement).value)
      .toBe("tense");
    await user.click(within(form).getByRole("button", { name: "Уровень" }));
    await user.selectOptions(within(form).getByLabelText("Уровень"), "B1");
    const priority = within(form).getByLabelText("Приоритет (0–100)");
    await user.clear(priority);
    await user.type(priority, "70");
    await user.click(within(form).getByRole("button", { name: "Сохранить правило" }));
    expect((await screen.findByRole("status")).textContent).toContain("Правило сохранено");
    const sent = await sentRequests();
    const saved = sent.find((r) => r.key === "POST /api/admin/rules")?.body as Record<string, unknown>;
    expect(saved).toMatchObject({
      scope: "level", level: "B1", student_id: null, trigger: "tense", priority: 70,
      instruction: draft.instruction, enabled: true,
    });
    expect(String(saved.expires_at)).toMatch(/^2025-02-0[89]T/);
  });

  it("drafts a spoken instruction and refuses to save Russian", async () => {
    const user = userEvent.setup();
    renderApp("/admin/rules", {
      ...screenReplies,
      "POST /api/admin/rules/draft/audio": () => json(200, {
        ...draft, instruction: "Спрашивай, когда это было.",
        notes: ["Инструкция не на английском: переведите её перед сохранением."],
      }),
    });
    await user.click(await screen.findByRole("button", { name: "Новое правило" }));
    await user.click(screen.getByRole("button", { name: "Надиктовать" }));
    const form = await screen.findByRole("form", { name: "Правило" });
    expect(screen.getByText(/Инструкция не на английском/)).toBeTruthy();
    expect(within(form).getByText(/Репетитор читает инструкции по-английски/)).toBeTruthy();
    expect(within(form).getByRole("button", { name: "Сохранить правило" })
      .hasAttribute("disabled")).toBe(true);
    const upload = requestsTo("POST /api/admin/rules/draft/audio")[0]!;
    expect(upload.headers.get("content-type")).toMatch(/^multipart\/form-data/);
  });

  it("shows why a draft could not be made", async () => {
    const user = userEvent.setup();
    renderApp("/admin/rules", {
      ...screenReplies,
      "POST /api/admin/rules/draft": () => json(502, { error: { code: "rule_draft_invalid",
        message: "Модель не смогла составить черновик правила." } }),
    });
    await user.click(await screen.findByRole("button", { name: "Новое правило" }));
    await user.type(screen.getByLabelText(/Что должен делать репетитор/), "что-то странное");
    await user.click(screen.getByRole("button", { name: "Составить черновик" }));
    expect((await screen.findByRole("alert")).textContent)
      .toContain("Модель не смогла составить черновик");
  });
});
