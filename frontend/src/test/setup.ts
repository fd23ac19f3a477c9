import { cleanup, configure } from "@testing-library/react";
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

// The pages render lazily loaded charts: on two busy cores the first render can take longer
// than testing-library's one-second default for `findBy…`, with nothing wrong in the page.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
  vi.mocked(fetch).mockReset();
});
