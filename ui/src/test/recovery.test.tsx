// The recovery screen: the app over a local store that did not open.
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { App } from "../App";
import { createFakeBackend } from "../backend/fake";

const PATH = "/home/user/.local/share/guichet/guichet.db";

function setup(reason: string, lang: "en" | "fr" = "en") {
  const backend = createFakeBackend({ trouble: { path: PATH, damaged: true, reason } });
  const restart = vi.spyOn(backend, "appRestart");
  const repair = vi.spyOn(backend, "storeRepair");
  render(<App backend={backend} lang={lang} />);
  return { user: userEvent.setup(), restart, repair };
}

// The screen's code loads on demand: the first lookups wait longer on a loaded machine.
describe("recovery screen", { timeout: 20000 }, () => {
  it("replaces the app, checks, repairs with a table of what was saved, then restarts", async () => {
    const { user, restart, repair } = setup("database disk image is malformed");
    expect(await screen.findByRole("heading", { level: 1, name: "Guichet cannot open its data" }, { timeout: 8000 })).toBeInTheDocument();
    expect(screen.getByText(PATH)).toBeInTheDocument();
    expect(screen.getByText(/database disk image is malformed/, { selector: "p" })).toBeInTheDocument();
    expect(screen.queryByRole("navigation")).not.toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Check the database" }));
    expect(await screen.findByRole("heading", { name: "1 problem found" })).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Repair" }));
    expect(repair).toHaveBeenCalledWith(false);
    expect(await screen.findByText(/Repaired, but 8 items could not be read/)).toHaveTextContent("backups/store-20261123T091500Z");
    const table = screen.getByRole("table", { name: "What was saved, by table" });
    const tickets = within(table).getByRole("row", { name: /tickets/ });
    expect(tickets).toHaveTextContent("41");
    expect(tickets).toHaveTextContent("3");
    expect(screen.queryByRole("button", { name: "Repair" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Restart Guichet" }));
    expect(restart).toHaveBeenCalledOnce();
  });

  it("says nothing could be read and starts empty only when asked, in French", async () => {
    const { user, repair } = setup("file is not a database", "fr");
    await user.click(await screen.findByRole("button", { name: "Réparer" }, { timeout: 8000 }));
    expect(await screen.findByText(/Rien n’a pu être lu dans ce fichier/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Redémarrer Guichet" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Repartir avec une base vide" }));
    expect(repair).toHaveBeenLastCalledWith(true);
    expect(await screen.findByText(/Guichet repart avec une base vide/)).toBeInTheDocument();
    expect(screen.queryByText(/laissé tel quel/)).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Redémarrer Guichet" })).toBeInTheDocument();
  });

  it("is not shown when the store opened", async () => {
    render(<App backend={createFakeBackend()} lang="en" />);
    expect(await screen.findByRole("navigation", {}, { timeout: 8000 })).toBeInTheDocument();
    expect(screen.queryByText("Guichet cannot open its data")).not.toBeInTheDocument();
  });
});
