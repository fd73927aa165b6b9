// What the check page and the report form make of a diagnosis: the findings that need
// attention (problems first), the counts for the summary, and the text a report attaches.
import type { CheckStatusView, DiagnosisView, FindingView } from "./backend/backend";

const RANK: Record<CheckStatusView, number> = { problem: 0, warning: 1, unknown: 2, ok: 3 };

/** Warnings and problems, problems first, in the checks' order otherwise. */
export function needingAttention(d: DiagnosisView): FindingView[] {
  return d.findings.filter((f) => f.status === "problem" || f.status === "warning").sort((a, b) => RANK[a.status] - RANK[b.status]);
}

/** Everything else: fine, or not measurable here. */
export function theRest(d: DiagnosisView): FindingView[] {
  return d.findings.filter((f) => f.status === "ok" || f.status === "unknown").sort((a, b) => RANK[a.status] - RANK[b.status]);
}

export function countOf(d: DiagnosisView, status: CheckStatusView): number {
  return d.findings.filter((f) => f.status === status).length;
}

/** The diagnosis as a report carries it, for the technician: one line per finding that needs
 *  attention, in English like the system information (the service desk's working language is
 *  not the user's), then how many checks were fine. */
export function diagnosisText(d: DiagnosisView): string {
  const n = (status: CheckStatusView, word: string) => {
    const c = countOf(d, status);
    return `${c} ${word}${c === 1 ? "" : "s"}`;
  };
  const head = `Check of this computer (${d.taken_at}, ${d.elapsed_ms} ms): ${n("problem", "problem")}, ${n("warning", "warning")}, ${countOf(d, "ok")} ok, ${countOf(d, "unknown")} unknown`;
  const lines = needingAttention(d).map((f) => {
    const subject = f.subject ? ` (${f.subject})` : "";
    const measured = f.measured ? `: ${f.measured}` : "";
    const threshold = f.threshold ? ` [threshold ${f.threshold}]` : "";
    return `- ${f.status.toUpperCase()} ${f.check}${subject}${measured}${threshold}. ${f.sentence.en}`;
  });
  return [head, ...lines].join("\n");
}
