// Component tests: jest-dom matchers and a clean DOM between tests.
import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

afterEach(() => {
  cleanup();
  // The remembered language and theme (display.ts) must not leak from one test to the next.
  localStorage.clear();
  delete document.documentElement.dataset.theme;
});
