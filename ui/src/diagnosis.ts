// What the check page and the report form make of a diagnosis: the findings that need
// attention (problems first) and the counts for the summary.
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

/** The summary's counts, naming only those that are not zero ("1 warning", never "0 problems,
 *  1 warning"), each with its real plural; `null` when there is nothing to name. */
export function countsText(t: (key: "check.problems" | "check.warnings", vars: { n: number }) => string, d: DiagnosisView): string | null {
  const parts = [
    ["check.problems", countOf(d, "problem")] as const,
    ["check.warnings", countOf(d, "warning")] as const,
  ]
    .filter(([, n]) => n > 0)
    .map(([key, n]) => t(key, { n }));
  return parts.length ? parts.join(", ") : null;
}
