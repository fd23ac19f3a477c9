import { cleanup } from "@testing-library/react";
import { afterEach, vi } from "vitest";

// A browser resolves "/api/…" against the page; Node's Request insists on an absolute URL.
class PageRequest extends Request {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === "string" ? new URL(input, window.location.href) : input, init);
  }
}
vi.stubGlobal("Request", PageRequest);
// openapi-fetch captures fetch when the client module loads, so the mock must exist first.
vi.stubGlobal("fetch", vi.fn());

afterEach(() => {
  cleanup();
  vi.mocked(fetch).mockReset();
});
