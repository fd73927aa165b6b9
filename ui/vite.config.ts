/// <reference types="vitest/config" />
// Vite builds the UI that Tauri embeds (ui/dist); Vitest runs the component tests in jsdom.
import { defineConfig } from "vite";

// The app renders with Preact through its React-compatible API: the same components, about a
// tenth of React DOM's code for the web view to parse and keep (the idle-memory benchmark).
// Type checking still uses React's types, which preact/compat follows. JSX is compiled by Vite's
// esbuild (tsconfig "jsx": "react-jsx"), so `react/jsx-runtime` below is Preact's.
const preact = {
  "react-dom/test-utils": "preact/test-utils",
  "react-dom/client": "preact/compat/client",
  "react-dom": "preact/compat",
  "react/jsx-runtime": "preact/jsx-runtime",
  "react/jsx-dev-runtime": "preact/jsx-dev-runtime",
  react: "preact/compat",
};

export default defineConfig({
  resolve: {
    alias: Object.entries(preact).map(([find, replacement]) => ({
      find: new RegExp(`^${find}$`),
      replacement,
    })),
  },
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { target: "safari15", sourcemap: false, chunkSizeWarningLimit: 600 },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    // Through Vite, so the aliases above apply to it too: the tests render with Preact.
    server: { deps: { inline: [/@testing-library\/react/] } },
    alias: [
      // Its ES module build: imports that Vite resolves (the CommonJS one `require`s React DOM).
      {
        find: /^@testing-library\/react$/,
        replacement: "@testing-library/react/dist/@testing-library/react.esm.js",
      },
    ],
  },
});
