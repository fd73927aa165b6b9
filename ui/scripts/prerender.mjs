// Build step after `vite build` and the server-side build of src/prerender.tsx (package.json
// "build"): writes the first screen, rendered from the app's components in each language, into
// dist/index.html as <template id="shell-en|fr"> elements, which boot.ts picks from.
import { readFileSync, rmSync, writeFileSync } from "node:fs";

const index = new URL("../dist/index.html", import.meta.url);
const built = new URL("../.prerender/", import.meta.url);
const { firstScreen } = await import(new URL("prerender.js", built).href);

const root = '<div id="root"></div>';
const html = readFileSync(index, "utf8");
if (!html.includes(root)) throw new Error(`dist/index.html has no empty ${root}`);
const templates = ["en", "fr"].map((lang) => {
  const markup = firstScreen(lang);
  if (!markup.includes('id="nav-home"')) throw new Error(`the ${lang} first screen has no navigation`);
  return `<template id="shell-${lang}">${markup}</template>`;
});
writeFileSync(index, html.replace(root, root + templates.join("")));
rmSync(built, { recursive: true, force: true });
console.log(`prerender: first screen in dist/index.html (${templates.map((t) => t.length).join(" and ")} characters)`);
