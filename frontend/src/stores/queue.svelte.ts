// Queue store: the only caller of the conversion bindings and listener of
// their events. The event subscriptions live as long as the store is
// started and are removed by stop().
import { i18n, t } from "../lib/i18n.svelte";
import { api, events, onEvent, type FileResult, type Progress, type Refusal, type RunInfo, type Summary } from "../lib/api";
import { settings } from "./settings.svelte";
import { account } from "./account.svelte";

export type Phase = "idle" | "preparing" | "running" | "canceling" | "done";

class QueueStore {
  phase = $state<Phase>("idle");
  progress = $state<Progress | null>(null);
  files = $state<FileResult[]>([]);
  summary = $state<Summary | null>(null);
  error = $state("");
  notices = $state<Refusal[]>([]);
  /** Sources of the current run, for the waiting/converting rows. */
  planned = $state<string[]>([]);
  nothing = $state("");
  /** Files still waiting in the queue after a drop that started nothing (plan refusals). */
  waiting = $state(0);
  /** Files dropped during the current run: they convert when it ends. */
  behind = $state(0);
  /** Who started the run on screen: "" a person, "schedule" a watched folder (origin.folder), "scan". */
  origin = $state<{ kind: RunInfo["origin"]; folder: string }>({ kind: "", folder: "" });
  /** The run's size and its expected saving from typical ratios, before any file is converted. */
  estimate = $state({ bytes: 0, saving: 0 });
  /** The output folder could not be opened: its path, to copy. */
  openFailed = $state("");
  runId = "";
  private offs: (() => void)[] = [];
  /** Drops and clicks are started one after the other, never lost. */
  private chain: Promise<void> = Promise.resolve();
  /** Events of runs this screen has not started following yet: a run with
   * nothing to convert can end before StartConversion has answered. */
  private early = new Map<string, { files: FileResult[]; done?: Summary }>();

  private earlyOf(runId: string) {
    let e = this.early.get(runId);
    if (!e) {
      e = { files: [] };
      this.early.set(runId, e);
      if (this.early.size > 20) this.early.delete(this.early.keys().next().value!); // only recent runs
    }
    return e;
  }

  private finish(s: Summary) {
    this.summary = s;
    this.phase = "done";
    void account.refreshQuiet();
  }

  start() {
    this.stop();
    this.offs.push(
      onEvent<Progress>(events.progress, (p) => {
        if (p.runId === this.runId) this.progress = p;
      }),
      onEvent<FileResult>(events.file, (f) => {
        if (f.runId === this.runId) this.files = [f, ...this.files].slice(0, 500);
        else this.earlyOf(f.runId).files.unshift(f);
      }),
      onEvent<Summary>(events.done, (s) => {
        // When files wait and the plan continues by itself (Pro), the app
        // starts the next run and announces it (events.started).
        if (s.runId === this.runId) this.finish(s);
        else this.earlyOf(s.runId).done = s;
      }),
      // Refusals belong to the plan that made them: a new plan (signed in,
      // upgraded, expired) clears them.
      account.onPlanChange(() => {
        this.notices = [];
      }),
      // A run the app started by itself (a watched folder, or the drop that
      // waited behind the last run): the screen always shows the active run.
      onEvent<RunInfo>(events.started, (run) => {
        if (run.runId && run.runId !== this.runId) this.follow(run);
        else if (!run.runId) this.notices = run.refusals ?? [];
      }),
    );
  }

  stop() {
    for (const off of this.offs) off();
    this.offs = [];
  }

  /** Follow a run started elsewhere (the scan screen's "convert selected"). */
  follow(run: RunInfo) {
    this.error = "";
    this.begin(run);
  }

  /** Show what the plan held back; start following the run when one began. */
  private begin(run: RunInfo) {
    if (run.behind) {
      // Waits behind the run in progress; the screen stays on that run.
      this.behind = run.queued;
      if (this.phase === "preparing") this.phase = "idle"; // a run this screen had not seen
      if (run.nothing) this.nothing = run.nothing;
      return;
    }
    this.behind = 0;
    this.openFailed = "";
    this.notices = run.refusals ?? [];
    this.nothing = run.nothing;
    this.waiting = run.runId ? 0 : run.queued;
    if (!run.runId) {
      this.phase = "idle";
      return;
    }
    const { runId, total } = run;
    this.runId = runId;
    this.origin = { kind: run.origin ?? "", folder: run.folder ?? "" };
    this.planned = run.files ?? [];
    this.estimate = { bytes: run.bytes ?? 0, saving: run.saving ?? 0 };
    this.files = [];
    this.summary = null;
    this.progress = { runId, done: 0, total, bytesIn: 0, bytesOut: 0, etaSeconds: -1, current: "", active: [] };
    this.phase = "running";
    const early = this.early.get(runId);
    if (early) {
      this.early.delete(runId);
      this.files = early.files.slice(0, 500);
      if (early.done) this.finish(early.done);
    }
  }

  /** The expected saving of the run on screen: the typical ratios' estimate until a few files are
   * converted, then what they saved, extrapolated to the bytes still to go. */
  expectedSaving(): number {
    const p = this.progress;
    const { bytes, saving } = this.estimate;
    if (!p || p.bytesIn <= 0 || p.done < Math.min(3, p.total)) return saving;
    const ratio = Math.max(0, 1 - p.bytesOut / p.bytesIn);
    return Math.round(p.bytesIn - p.bytesOut + Math.max(0, bytes - p.bytesIn) * ratio);
  }

  /** Convert dropped or chosen paths. A drop is always taken: one that comes while another is being
   * prepared starts right after it, and during a run it waits behind it (the app converts it when the
   * run ends and announces that run). */
  convert(paths: string[]): Promise<void> {
    if (paths.length === 0) return this.chain;
    this.chain = this.chain.then(() => this.convertNow(paths));
    return this.chain;
  }

  private async convertNow(paths: string[]) {
    this.error = "";
    const s = settings.value;
    // Walking a big folder takes a moment before the run starts.
    if (this.phase === "idle" || this.phase === "done") this.phase = "preparing";
    try {
      this.begin(await api.startConversion({ paths, format: s?.format ?? "webp", preset: s?.preset ?? "balanced" }));
    } catch (e) {
      if (this.phase === "preparing") this.phase = "idle"; // a run on screen goes on
      this.error = i18n.error(e);
    }
  }

  async continueQueue() {
    this.error = "";
    try {
      const run = await api.continueQueue();
      if (!run.runId && run.queued > 0 && !(run.refusals ?? []).length) {
        // Nothing started and no rule said why: there are no conversions left today.
        this.error = t("queue.limitLeft");
      }
      this.begin(run);
    } catch (e) {
      this.error = i18n.error(e);
    }
  }

  async chooseFiles() {
    try {
      const paths = await api.chooseFiles(t("dialog.chooseFiles"), t("dialog.images"));
      if (paths && paths.length) await this.convert(paths);
    } catch (e) {
      this.error = i18n.error(e);
    }
  }

  /** "Compare first": pick one photo in the file dialog and hand it to open (the compare view). */
  async chooseToCompare(open: (path: string) => Promise<void>) {
    try {
      const paths = await api.chooseFiles(t("compare.choose"), t("dialog.images"));
      if (paths && paths.length) await open(paths[0]);
    } catch (e) {
      this.error = i18n.error(e);
    }
  }

  async chooseFolder() {
    try {
      const dir = await api.chooseFolder(t("dialog.chooseFolder"));
      if (dir) await this.convert([dir]);
    } catch (e) {
      this.error = i18n.error(e);
    }
  }

  async cancel() {
    if (this.phase === "preparing") {
      // Stops the walk; startConversion then answers with no run.
      await api.cancel().catch(() => {});
      return;
    }
    if (this.phase !== "running") return;
    this.phase = "canceling";
    try {
      await api.cancel();
    } catch (e) {
      this.error = i18n.error(e);
    }
  }

  async openOutput() {
    if (!this.summary?.outputDir) return;
    this.openFailed = "";
    try {
      await api.openFolder(this.summary.outputDir);
    } catch (e) {
      if ((e as { code?: string }).code === "open_folder_failed") this.openFailed = this.summary.outputDir;
      else this.error = i18n.error(e);
    }
  }

  /** Files of the run not finished yet, converting ones first. */
  get pending(): { src: string; active: boolean }[] {
    const finished = new Set(this.files.map((f) => f.src));
    const active = new Set(this.progress?.active ?? []);
    return this.planned
      .filter((src) => !finished.has(src))
      .map((src) => ({ src, active: active.has(src) }))
      .sort((a, b) => Number(b.active) - Number(a.active));
  }

  reset() {
    this.phase = "idle";
    this.openFailed = "";
    this.notices = [];
    this.nothing = "";
    // Files the last run left in the queue still wait: keep offering Continue.
    this.waiting = this.summary && !this.summary.canceled ? this.summary.queued : 0;
    this.summary = null;
    this.progress = null;
    this.files = [];
  }
}

export const queue = new QueueStore();
