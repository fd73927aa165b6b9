// Regression: a font stack naming families the system lacks (-apple-system, "Segoe UI",
// Cantarell…) delayed the first frame by about 85 ms in WebKitGTK, which runs a fontconfig match
// per missing family for every font size and weight. Font stacks name generic families only.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const GENERIC = new Set(["system-ui", "ui-monospace", "sans-serif", "serif", "monospace", "inherit"]);

describe("styles", () => {
  it("font stacks name only generic families", () => {
    // Read as text: Vitest does not load CSS.
    const css = readFileSync(`${__dirname}/../styles.css`, "utf8");
    const stacks = [...css.matchAll(/font-family:\s*([^;}]+)/g)].map((m) => m[1].trim());
    expect(stacks.length).toBeGreaterThan(0);
    for (const stack of stacks) {
      for (const family of stack.split(",").map((f: string) => f.trim())) {
        expect(GENERIC.has(family), `${family} in "${stack}"`).toBe(true);
      }
    }
    // The `font` shorthand can name families too: only `font: inherit` is used.
    for (const m of css.matchAll(/[{;\s]font:\s*([^;}]+)/g)) expect(m[1].trim()).toBe("inherit");
  });

  // Regression: `system-ui` first in the root stack cost WebKitGTK a failed fontconfig match per
  // face, about 10 ms before the first frame; it is kept for the other web views only.
  it("the root stack is fontconfig's sans-serif; system-ui only where main.tsx asks for it", () => {
    const css = readFileSync(`${__dirname}/../styles.css`, "utf8");
    const root = css.match(/:root\s*\{[^}]*?font-family:\s*([^;]+);/);
    expect(root?.[1].trim()).toBe("sans-serif");
    expect(css).toMatch(/:root\[data-font="system"\]\s*\{\s*font-family:\s*system-ui, sans-serif;/);
  });
});
