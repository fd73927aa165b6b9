// The in-memory backend's self-help side: a diagnosis with a problem and warnings, the articles
// it suggests, two fix-it actions (plan, then outcome), suggestions while a title is typed,
// "this solved my problem", and the machine's policy. Kept apart from fake.ts (its own size).
import type { Article, AttachmentDraft, DiagnosisView, FindingView, FixEntryView, FixRunView, OutcomeView, PlanView, SuggestionView } from "../bindings";
import { countOf, needingAttention } from "../diagnosis";
import { BackendError, type Backend } from "./backend";

export interface SelfHelpOptions {
  /** Whether the machine's policy shows this user the site admin and the agent (default: yes). */
  admin?: boolean;
  /** Every check comes out fine. */
  healthy?: boolean;
}

/** The knowledge base's article on a full disk (a starter article in the real app). */
export const DISK_ARTICLE: Article = {
  id: "kb-4",
  title: "Mon disque est plein : libérer de la place",
  category: "Poste de travail",
  body_html: "<p>Videz la corbeille et les téléchargements, puis relancez <strong>Vérifier mon ordinateur</strong>.</p>",
  updated_at: "2026-11-15T08:00:00Z",
};

const TAKEN = "2026-11-23T09:15:00Z";

/** The text the real backend attaches to a report (`attached`), imitated: one line per finding that needs
 *  attention, in English like the system information (the service desk's working language is
 *  not the user's), then how many checks were fine. */
function attachedText(d: DiagnosisView): string {
  const n = (status: FindingView["status"], word: string) => {
    const c = countOf(d, status);
    return `${c} ${word}${c === 1 ? "" : "s"}`;
  };
  const head = `Check of this computer (${d.taken_at}, ${d.elapsed_ms} ms): ${n("problem", "problem")}, ${n("warning", "warning")}, ${countOf(d, "ok")} ok, ${countOf(d, "unknown")} unknown`;
  const lines = needingAttention(d).map((f) => {
    const subject = f.subject ? ` (${f.subject})` : "";
    const measured = f.measured ? `: ${f.measured.en}` : "";
    const threshold = f.threshold ? ` [threshold ${f.threshold.en}]` : "";
    return `- ${f.status.toUpperCase()} ${f.check}${subject}${measured}${threshold}. ${f.sentence.en}`;
  });
  return [head, ...lines].join("\n");
}

export function sampleDiagnosis(healthy = false): DiagnosisView {
  const d = findings(healthy);
  return { ...d, attached: attachedText({ ...d, attached: "" }) };
}

function findings(healthy: boolean): Omit<DiagnosisView, "attached"> {
  const ok = (check: string, measured: { en: string; fr: string }, en: string, fr: string) => ({
    check,
    subject: null,
    status: "ok" as const,
    measured,
    threshold: null,
    sentence: { en, fr },
    fixes: [],
  });
  const fine = [
    ok(
      "network.dns",
      { en: "desk.example.org → 192.0.2.10 in 12 ms (DNS 192.0.2.53)", fr: "desk.example.org → 192.0.2.10 en 12 ms (DNS 192.0.2.53)" },
      "The service desk's name resolves.",
      "Le nom du service d’assistance est résolu.",
    ),
    ok(
      "memory.pressure",
      { en: "9.6 GiB available of 15.5 GiB (62%)", fr: "9,6 Gio disponibles sur 15,5 Gio (62 %)" },
      "Memory is fine.",
      "La mémoire va bien.",
    ),
    {
      check: "battery.wear",
      subject: null,
      status: "unknown" as const,
      measured: null,
      threshold: null,
      sentence: { en: "This computer has no battery.", fr: "Cet ordinateur n’a pas de batterie." },
      fixes: [],
    },
  ];
  if (healthy) return { taken_at: TAKEN, elapsed_ms: 412, findings: fine, suggestions: [] };
  return {
    taken_at: TAKEN,
    elapsed_ms: 687,
    findings: [
      {
        check: "storage.free",
        subject: "/home",
        status: "problem",
        measured: { en: "1.2 GiB free of 250.0 GiB (0.5%)", fr: "1,2 Gio libres sur 250,0 Gio (0,5 %)" },
        threshold: { en: "< 1.0 GiB and < 5.0%", fr: "< 1,0 Gio et < 5,0 %" },
        sentence: { en: "Your disk is almost full: programs may fail to save files.", fr: "Votre disque est presque plein : des programmes risquent de ne plus pouvoir enregistrer." },
        fixes: ["free-space"],
      },
      ...fine,
      {
        check: "printing.queues",
        subject: "secretariat",
        status: "warning",
        measured: { en: "stopped since 2026-11-23 08:40 UTC: Paper jam", fr: "arrêtée depuis le 2026-11-23 08:40 UTC : Paper jam" },
        threshold: { en: "enabled and accepting jobs", fr: "active et acceptant les documents" },
        sentence: { en: "The printer “secretariat” is stopped: your documents are waiting.", fr: "L’imprimante « secretariat » est arrêtée : vos documents attendent." },
        fixes: ["print-queue"],
      },
      {
        check: "system.reboot",
        subject: null,
        status: "warning",
        measured: { en: "required for 3 days", fr: "demandé depuis 3 jours" },
        threshold: { en: "required for more than 7 days", fr: "demandé depuis plus de 7 jours" },
        sentence: { en: "Updates are waiting for a restart.", fr: "Des mises à jour attendent un redémarrage." },
        fixes: [],
      },
    ],
    suggestions: [
      { check: "storage.free", id: DISK_ARTICLE.id, title: DISK_ARTICLE.title },
      { check: "printing.queues", id: "kb-1", title: "Connecter l’imprimante du secrétariat" },
    ],
  };
}

const PLANS: Record<string, PlanView> = {
  "free-space": {
    action: "free-space",
    title: { en: "Free disk space", fr: "Libérer de l’espace disque" },
    steps: [
      { en: "Empty your trash: 2.1 GB", fr: "Vider votre corbeille : 2,1 Go" },
      { en: "Clear your thumbnail cache: 310 MB", fr: "Vider le cache des vignettes : 310 Mo" },
    ],
    needs_network: false,
    publisher: null,
    nothing_to_do: false,
  },
  "print-queue": {
    action: "print-queue",
    title: { en: "Unblock printing", fr: "Débloquer l’impression" },
    steps: [
      { en: "Cancel your 2 stuck jobs on “secretariat”", fr: "Annuler vos 2 impressions bloquées sur « secretariat »" },
      { en: "Re-enable the queue “secretariat”", fr: "Réactiver la file « secretariat »" },
    ],
    needs_network: false,
    publisher: null,
    nothing_to_do: false,
  },
};

/** The self-help methods of the fake backend, and what they recorded (for tests). */
export function createSelfHelp(articles: Article[], opts: SelfHelpOptions = {}) {
  const deflections: { title: string; article: string | null }[] = [];
  const fixesRun: string[] = [];
  // The recorded runs of this session, as the report form offers them (newest first).
  const runs: FixRunView[] = [];
  let fixed = false;
  // The last run, which a report attaches (as the shell keeps it).
  let last: DiagnosisView | null = null;
  const methods: Pick<
    Backend,
    "diagnose" | "fixPlan" | "fixRun" | "fixList" | "fixRunsRecent" | "kbSuggest" | "reportSolved" | "userAccess" | "deflectionRate"
  > = {
    async diagnose() {
      const d = sampleDiagnosis(opts.healthy);
      // After "free disk space" ran, the disk check passes.
      if (fixed) d.findings = d.findings.filter((f) => f.check !== "storage.free");
      last = { ...d, attached: attachedText(d) };
      return last;
    },
    async fixPlan(id) {
      const plan = PLANS[id];
      if (!plan) throw new BackendError("not_found", `no action named ${id}`);
      return plan;
    },
    async fixRun(id): Promise<OutcomeView> {
      if (!PLANS[id]) throw new BackendError("not_found", `no action named ${id}`);
      fixesRun.push(id);
      if (id === "free-space") fixed = true;
      const output = id === "free-space" ? "Trash emptied: 2.1 GB\nThumbnail cache cleared: 310 MB" : "Cancelled jobs 41, 42\nQueue secretariat enabled";
      const run_id = fixesRun.length;
      const attached = `Fix-it action: ${id}\nRun: ${run_id}\nStarted: ${TAKEN}\nElapsed: 240 ms\nSucceeded: yes\n\n${output}`;
      runs.unshift({ run_id, action: id, started_at: TAKEN, succeeded: true, file_name: `fix-run-${run_id}-${id}.txt`, attached });
      return { action: id, started_at: TAKEN, elapsed_ms: 240, succeeded: true, output, run_id };
    },
    async fixList(): Promise<FixEntryView[]> {
      const builtIn = Object.values(PLANS).map((p) => ({ id: p.action, title: p.title, builtin: true, refusal: null, nothing_to_do: false }));
      // A published action whose signer this machine's policy no longer trusts.
      return [...builtIn, { id: "vpn-reset", title: null, builtin: false, refusal: "action_untrusted", nothing_to_do: false }];
    },
    async fixRunsRecent() {
      return structuredClone(runs);
    },
    async kbSuggest(title): Promise<SuggestionView[]> {
      const words = title.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 4);
      if (!words.length) return [];
      return articles
        .filter((a) => words.some((w) => (a.title + a.body_html).toLowerCase().includes(w)))
        .slice(0, 5)
        .map((a) => ({ check: null, id: a.id, title: a.title }));
    },
    async reportSolved(title, article) {
      deflections.push({ title, article });
    },
    async deflectionRate() {
      // Three reports solved by an article before these tests, and one ticket filed.
      const solved = 3 + deflections.length;
      const reports = 1;
      return { since: "2026-10-24T09:15:00Z", deflections: solved, reports, rate: solved / (solved + reports) };
    },
    async userAccess() {
      return { admin: opts.admin !== false };
    },
  };
  /** What a report with `include_diagnosis` attaches. */
  const attached = () => last?.attached ?? null;
  /** The files a report's `fix_runs` attach (an unknown number is refused, as the shell does). */
  const runFiles = (ids: number[]): AttachmentDraft[] =>
    [...new Set(ids)].map((id) => {
      const r = runs.find((x) => x.run_id === id);
      if (!r) throw new BackendError("invalid", `no recorded fix-it run number ${id}`);
      return { blob: `fix-run-${id}`, name: r.file_name, size_bytes: r.attached.length, mime: "text/plain" };
    });
  return { methods, deflections, fixesRun, attached, runFiles };
}
