// Fix-it actions offered whatever the checks found, a run's output attached to a new report
// (ticked when the user came from the run, previewed exactly), the summary's counts (only
// those not zero, real plurals) and the report form's notice in the header's words.
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../App";
import type { DiagnosisView, FixRunView } from "../backend/backend";
import { createFakeBackend, type FakeOptions } from "../backend/fake";
import type { PageId } from "../context";
import { countsText } from "../diagnosis";
import { translate } from "../i18n";
import { firstChoice, toggled } from "../pages/ReportFixRuns";

function setup(page: PageId, opts: FakeOptions = {}, lang: "en" | "fr" = "en") {
  const user = userEvent.setup();
  const backend = createFakeBackend(opts);
  render(<App backend={backend} initialPage={page} lang={lang} />);
  return { user, backend };
}

const run = (run_id: number): FixRunView => ({
  run_id,
  action: "free-space",
  started_at: "2026-11-23T09:15:00Z",
  succeeded: true,
  file_name: `fix-run-${run_id}-free-space.txt`,
  attached: "…",
});

describe("the runs a report attaches", () => {
  it("ticks only the run the user came from, when it is offered", () => {
    const runs = [run(3), run(2)];
    expect(firstChoice(runs, 2)).toEqual([2]);
    expect(firstChoice(runs, 9)).toEqual([]);
    expect(firstChoice(runs, null)).toEqual([]);
  });

  it("keeps the ticked runs in the order they are offered, each once", () => {
    const runs = [run(3), run(2), run(1)];
    expect(toggled(runs, [1], 3, true)).toEqual([3, 1]);
    expect(toggled(runs, [3, 1], 3, true)).toEqual([3, 1]);
    expect(toggled(runs, [3, 1], 3, false)).toEqual([1]);
  });
});

describe("the summary's counts", () => {
  const d = (statuses: DiagnosisView["findings"][number]["status"][]): DiagnosisView => ({
    taken_at: "2026-11-23T09:15:00Z",
    elapsed_ms: 1,
    suggestions: [],
    attached: "",
    findings: statuses.map((status) => ({ check: "c", subject: null, status, measured: null, threshold: null, sentence: { en: "", fr: "" }, fixes: [] })),
  });
  const en = (key: "check.problems" | "check.warnings", vars: { n: number }) => translate("en", key, vars);
  const fr = (key: "check.problems" | "check.warnings", vars: { n: number }) => translate("fr", key, vars);

  it("names only the counts that are not zero, with real plurals", () => {
    expect(countsText(en, d(["warning", "ok"]))).toBe("1 warning");
    expect(countsText(en, d(["problem", "problem", "unknown"]))).toBe("2 problems");
    expect(countsText(en, d(["problem", "warning", "warning"]))).toBe("1 problem, 2 warnings");
    expect(countsText(fr, d(["warning"]))).toBe("1 avertissement");
    expect(countsText(fr, d(["problem", "problem", "warning"]))).toBe("2 problèmes, 1 avertissement");
    expect(countsText(en, d(["ok", "unknown"]))).toBeNull();
  });
});

describe("fix-it actions and their runs", () => {
  it("offers every action on the check page; one that may not run says why", async () => {
    const { user } = setup("check");
    await screen.findByText("1 problem, 2 warnings");
    const list = document.getElementById("check-actions")!;
    await user.click(within(list).getByText("Fix-it actions"));
    expect(within(list).getByText(/its publisher is not trusted on this computer/)).toBeVisible();
    await user.click(within(list).getByRole("button", { name: "Unblock printing" }));
    const dialog = await screen.findByRole("dialog", { name: "Unblock printing" });
    expect(within(dialog).getByText("Re-enable the queue “secretariat”")).toBeInTheDocument();
  });

  it("attaches a run to a new report: ticked, previewed exactly, carried by the ticket", async () => {
    const { user, backend } = setup("check");
    await screen.findByText("1 problem, 2 warnings");
    await user.click(screen.getByRole("button", { name: "Fix it: free disk space" }));
    await user.click(await screen.findByRole("button", { name: "Do it" }));
    await user.click(await screen.findByRole("button", { name: "Attach to a new report" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Report a problem" })).toBeInTheDocument();
    const box = await screen.findByRole("checkbox", { name: /^Free disk space \(.*\): done$/ });
    expect(box).toBeChecked();
    await user.click(screen.getByText("See exactly what is attached (fix-run-1-free-space.txt)"));
    expect(document.getElementById("fix-run-preview-1")).toHaveTextContent("Fix-it action: free-space Run: 1");
    expect(document.getElementById("fix-run-preview-1")).toHaveTextContent("Trash emptied: 2.1 GB");
    await user.type(screen.getByLabelText(/What is the problem/), "Disk still full");
    await user.click(screen.getByRole("button", { name: "Save and send later" }));
    await screen.findByText(/saved and queued/);
    expect(backend.tickets[0].messages[0].attachments.map((a) => a.name)).toEqual(["fix-run-1-free-space.txt"]);

    // A later report offers the run but does not send it again unless ticked.
    await user.click(screen.getByRole("button", { name: "Report another problem" }));
    const again = await screen.findByRole("checkbox", { name: /^Free disk space/ });
    expect(again).not.toBeChecked();
    expect(document.getElementById("fix-run-preview-1")).toBeNull();
  }, 20_000);

  it("is keyboard-reachable: the run's box toggles with Space", async () => {
    const { user } = setup("check");
    await screen.findByText("1 problem, 2 warnings");
    await user.click(screen.getByRole("button", { name: "Fix it: free disk space" }));
    await user.click(await screen.findByRole("button", { name: "Do it" }));
    const attach = await screen.findByRole("button", { name: "Attach to a new report" });
    attach.focus();
    await user.keyboard("{Enter}");
    const box = await screen.findByRole("checkbox", { name: /^Free disk space/ });
    box.focus();
    await user.keyboard(" ");
    expect(box).not.toBeChecked();
  });

  it("words the report form's notice as the header does (no service desk set up)", async () => {
    setup("report", {}, "fr");
    expect(await screen.findByText(/Aucun service d’assistance configuré\. Votre demande sera enregistrée/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Enregistrer et envoyer plus tard" })).toBeInTheDocument();
  });
});
