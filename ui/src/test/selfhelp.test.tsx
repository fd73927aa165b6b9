// Self-help before a ticket, against the in-memory backend: "Check my computer" (summary,
// details on demand, suggested articles, fix-it actions with their plan first), the report
// form's diagnosis and suggestions, the policy-gated admin pages and the one wording for
// connectivity.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { App } from "../App";
import type { Backend } from "../backend/backend";
import { createFakeBackend, type FakeOptions } from "../backend/fake";
import type { PageId } from "../context";

function setup(page: PageId, opts: FakeOptions = {}, lang: "en" | "fr" = "en", override: Partial<Backend> = {}) {
  const user = userEvent.setup();
  const backend = createFakeBackend(opts);
  render(<App backend={{ ...backend, ...override }} initialPage={page} lang={lang} />);
  return { user, backend };
}

describe("check my computer", () => {
  it("says what needs attention first, problems before warnings, with details on demand", async () => {
    const { user } = setup("check");
    expect(await screen.findByText("1 problem, 2 warnings")).toBeInTheDocument();
    const items = within(document.getElementById("check-attention")!).getAllByRole("listitem").filter((li) => li.classList.contains("finding"));
    expect(items.map((li) => within(li).getAllByText(/Problem|Warning/)[0].textContent)).toEqual(["Problem", "Warning", "Warning"]);
    expect(items[0]).toHaveTextContent("Your disk is almost full");
    // Details: closed until asked for.
    const details = items[0].querySelector("details")!;
    expect(details.open).toBe(false);
    await user.click(within(items[0]).getByText("Details"));
    expect(details.open).toBe(true);
    expect(within(details).getByText("1.2 GiB free of 250.0 GiB (0.5%)")).toBeVisible();
    expect(within(details).getByText("< 1.0 GiB and < 5.0%")).toBeVisible();
    expect(within(details).getByText("/home")).toBeVisible();
    // The fine checks are folded away.
    expect(screen.getByText("The 3 other checks")).toBeInTheDocument();
  });

  it("shows the measured value and the threshold in the user's language", async () => {
    const { user } = setup("check", {}, "fr");
    const first = (await screen.findAllByText("Détails"))[0];
    const details = first.closest("details")!;
    await user.click(first);
    expect(within(details).getByText("1,2 Gio libres sur 250,0 Gio (0,5 %)")).toBeVisible();
    expect(within(details).getByText("< 1,0 Gio et < 5,0 %")).toBeVisible();
    expect(within(details).queryByText(/GiB/)).not.toBeInTheDocument();
  });

  it("runs again on request", async () => {
    const diagnose = vi.fn(createFakeBackend().diagnose);
    const { user } = setup("check", {}, "en", { diagnose });
    await screen.findByText("1 problem, 2 warnings");
    await user.click(screen.getByRole("button", { name: "Run again" }));
    await waitFor(() => expect(diagnose).toHaveBeenCalledTimes(2));
    expect(await screen.findByText("1 problem, 2 warnings")).toBeInTheDocument();
  });

  it("says everything is fine when it is, in French too", async () => {
    setup("check", { healthy: true }, "fr");
    expect(await screen.findByText("Tout va bien")).toBeInTheDocument();
    expect(screen.queryByText("À regarder")).not.toBeInTheDocument();
  });

  it("does not call a run without any check fine", async () => {
    const empty = { taken_at: "2026-11-23T09:15:00Z", elapsed_ms: 0, findings: [], suggestions: [], attached: "" };
    setup("check", {}, "en", { diagnose: async () => empty });
    expect(await screen.findByText("No check could run on this computer.")).toBeInTheDocument();
    expect(screen.queryByText("Everything looks fine")).not.toBeInTheDocument();
  });

  it("words the summary with French plurals", async () => {
    setup("check", {}, "fr");
    expect(await screen.findByText("1 problème, 2 avertissements")).toBeInTheDocument();
    expect(screen.getByText(/Votre disque est presque plein/)).toBeInTheDocument();
  });

  it("links a failing check to its help article in the knowledge base", async () => {
    const { user } = setup("check");
    await screen.findByText("1 problem, 2 warnings");
    await user.click(screen.getByRole("button", { name: "Mon disque est plein : libérer de la place" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Mon disque est plein : libérer de la place" })).toBeInTheDocument();
  });

  it("shows a fix's plan before running it; Escape cancels and gives focus back; confirming runs it and shows the outcome", async () => {
    const { user, backend } = setup("check");
    await screen.findByText("1 problem, 2 warnings");
    const fixButton = screen.getByRole("button", { name: "Fix it: free disk space" });
    await user.click(fixButton);
    const dialog = await screen.findByRole("dialog", { name: "Free disk space" });
    expect(within(dialog).getByText("Empty your trash: 2.1 GB")).toBeInTheDocument();
    expect(within(dialog).getByText("Built into Guichet.")).toBeInTheDocument();
    // Focus is inside and stays inside.
    expect(dialog.contains(document.activeElement)).toBe(true);
    for (let i = 0; i < 4; i++) {
      await user.tab();
      expect(dialog.contains(document.activeElement)).toBe(true);
    }
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(fixButton).toHaveFocus();
    expect(backend.fixesRun).toEqual([]);

    await user.click(fixButton);
    await user.click(await screen.findByRole("button", { name: "Do it" }));
    expect(await screen.findByText("Done.")).toBeInTheDocument();
    expect(screen.getByText(/Trash emptied: 2.1 GB/)).toBeInTheDocument();
    expect(backend.fixesRun).toEqual(["free-space"]);
    await user.click(screen.getByRole("button", { name: "Close" }));
    // Checked again: the disk is fine now.
    // Only the counts that are not zero are named.
    expect(await screen.findByText("2 warnings")).toBeInTheDocument();
  });
});

describe("report form self-help", () => {
  it("checks the computer as the report starts and previews what is attached; the report carries it", async () => {
    const { user, backend } = setup("report");
    expect(await screen.findByText("1 problem, 2 warnings")).toBeInTheDocument();
    await user.click(screen.getByText("See exactly what is attached"));
    expect(document.getElementById("diagnosis-preview")).toHaveTextContent("PROBLEM storage.free (/home): 1.2 GiB free of 250.0 GiB (0.5%)");
    await user.type(screen.getByLabelText(/What is the problem/), "Slow");
    await user.click(screen.getByRole("button", { name: "Save and send later" }));
    await screen.findByText(/saved and queued/);
    expect(backend.tickets[0].messages[0].body).toContain("Check of this computer");
    expect(backend.tickets[0].messages[0].body).toContain("WARNING printing.queues (secretariat)");
  });

  it("suggests articles while the title is typed; \"This solved my problem\" closes it without a ticket", async () => {
    const { user, backend } = setup("report");
    const before = backend.tickets.length;
    await user.type(screen.getByLabelText(/What is the problem/), "imprimante bloquée");
    const box = document.getElementById("report-suggestions")!;
    const link = await within(box).findByRole("button", { name: "Connecter l’imprimante du secrétariat" });
    // Read it first, in a dialog.
    await user.click(link);
    const dialog = await screen.findByRole("dialog", { name: "Connecter l’imprimante du secrétariat" });
    expect(within(dialog).getByText(/Paramètres → Imprimantes/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "This solved my problem" }));
    expect(await screen.findByText("Glad it is solved. No ticket was sent.")).toBeInTheDocument();
    expect(backend.deflections).toEqual([{ title: "imprimante bloquée", article: "kb-1" }]);
    expect(backend.tickets.length).toBe(before);
  });

  it("offers nothing for a title that matches no article", async () => {
    const { user } = setup("report");
    await user.type(screen.getByLabelText(/What is the problem/), "zzzz qqqq");
    await new Promise((r) => setTimeout(r, 400));
    expect(screen.queryByText("These articles may help:")).not.toBeInTheDocument();
  });
});

describe("what an end user sees", () => {
  it("no site admin or agent unless the machine's policy grants them", async () => {
    const userAccess = vi.fn(createFakeBackend({ admin: false }).userAccess);
    setup("home", { admin: false }, "en", { userAccess });
    await waitFor(() => expect(userAccess).toHaveBeenCalled());
    await screen.findByText("Your computer at a glance");
    expect(document.getElementById("nav-check")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Site admin" })).not.toBeInTheDocument();
  });

  it("an admin page asked for without the policy's grant shows home", async () => {
    setup("admin", { admin: false });
    expect(await screen.findByRole("heading", { level: 1, name: "Your computer at a glance" })).toBeInTheDocument();
    expect(screen.queryByRole("tab", { name: "Scheduled agent" })).not.toBeInTheDocument();
  });

  it("an admin sees the site admin with its agent tab", async () => {
    const { user } = setup("home", { admin: true });
    await user.click(await screen.findByRole("button", { name: "Site admin" }));
    expect(await screen.findByRole("tab", { name: "Scheduled agent" })).toBeInTheDocument();
  });
});

describe("admin indicators", () => {
  it("show the share of reports solved without a ticket, in French too", async () => {
    setup("admin", { admin: true }, "fr");
    expect(await screen.findByText(/3 signalements résolus par un article, 1 demande envoyée \(75 % résolus sans demande\)/)).toBeInTheDocument();
  });
});

describe("pending updates on the home page", () => {
  it("a count, none, or unknown only when the OS gave no count", async () => {
    const base = createFakeBackend();
    for (const [n, want] of [
      [3, "3 updates pending"],
      [1, "1 update pending"],
      [0, "Up to date"],
      [null, "Unknown"],
    ] as const) {
      const { unmount } = render(<App backend={{ ...base, machineHealth: async () => ({ ...(await base.machineHealth()), pending_updates: n }) }} initialPage="home" lang="en" />);
      await waitFor(() => expect(document.getElementById("home-updates")).toHaveTextContent(want));
      unmount();
    }
  });
});

describe("one word for one state", () => {
  it("with no service desk set up, the header and the home page say the same", async () => {
    setup("home");
    await waitFor(() => expect(document.getElementById("sync-pill")).toHaveTextContent("No service desk set up"));
    await waitFor(() => expect(document.getElementById("home-connectivity")).toHaveTextContent("No service desk set up"));
    expect(screen.queryByText(/^(Online|Offline)$/)).not.toBeInTheDocument();
  });

  it("without a network both say so, in French too", async () => {
    setup("home", { online: false }, "fr");
    await waitFor(() => expect(document.getElementById("sync-pill")).toHaveTextContent("Pas de réseau"));
    await waitFor(() => expect(document.getElementById("home-connectivity")).toHaveTextContent("Pas de réseau"));
    expect(screen.queryByText(/En ligne|Hors ligne/)).not.toBeInTheDocument();
  });
});
