// Component tests: jest-dom matchers and a clean DOM between tests.
import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// Pages load lazily (their own chunks): on a busy machine the first import of one takes more
// than the library's default second, which made tests fail for nothing but load.
configure({ asyncUtilTimeout: 4000 });

afterEach(() => {
  cleanup();
  // The remembered language and theme (display.ts) must not leak from one test to the next.
  localStorage.clear();
  delete document.documentElement.dataset.theme;
});
