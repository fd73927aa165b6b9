// The UI ships with Preact behind React's API (vite.config.ts): what the tests render must be
// what the app runs, and React DOM must not creep back into the bundle (idle-memory budget).
import { Component, createElement } from "react";
import { createRoot } from "react-dom/client";
import { Component as PreactComponent, options } from "preact";
import { describe, expect, it } from "vitest";

describe("UI runtime", () => {
  it("resolves React's API to Preact", () => {
    expect(Component).toBe(PreactComponent);
  });

  it("renders through Preact", async () => {
    const seen: string[] = [];
    const before = options.vnode;
    options.vnode = (v) => {
      if (typeof v.type === "string") seen.push(v.type);
      before?.(v);
    };
    try {
      const host = document.createElement("div");
      createRoot(host).render(createElement("output", null, "ok"));
      await new Promise((r) => setTimeout(r, 0));
      expect(host.textContent).toBe("ok");
      expect(seen).toContain("output");
    } finally {
      options.vnode = before;
    }
  });
});
