// Scan store: the only caller of the computer-scan bindings and listener of
// their events. Converting the chosen folders hands the run to the queue
// store, which follows it on the convert screen.
import { i18n, t } from "../lib/i18n.svelte";
import { api, events, onEvent, type ScanPlace, type ScanProgress, type ScanResult } from "../lib/api";
import { queue } from "./queue.svelte";

export type ScanPhase = "idle" | "scanning" | "canceling" | "done";

class ScanStore {
  places = $state<ScanPlace[]>([]);
  /** Roots the user ticked, plus folders added with the folder dialog. */
  roots = $state<string[]>([]);
  phase = $state<ScanPhase>("idle");
  progress = $state<ScanProgress | null>(null);
  result = $state<ScanResult | null>(null);
  /** Folders of the result ticked for conversion. */
  chosen = $state<string[]>([]);
  error = $state("");
  private offs: (() => void)[] = [];
  private loaded = false;

  start() {
    this.stop();
    this.offs.push(
      onEvent<ScanProgress>(events.scanProgress, (p) => {
        if (this.phase === "scanning") this.progress = p;
      }),
      onEvent<ScanResult>(events.scanDone, (r) => {
        this.phase = r.canceled ? "idle" : "done";
        if (r.error) this.error = i18n.error({ code: r.errorCode, message: r.error, detail: r.errorDetail });
        if (r.canceled || r.error) return;
        this.result = r;
        // Everything worth converting is ticked at first; the user unticks.
        this.chosen = r.folders.filter((f) => f.saving > 0).map((f) => f.path);
      }),
    );
  }

  stop() {
    for (const off of this.offs) off();
    this.offs = [];
  }

  async load() {
    if (this.loaded) return;
    try {
      this.places = await api.scanPlaces();
      this.roots = this.places.filter((p) => p.default).map((p) => p.path);
      this.loaded = true;
    } catch (e) {
      this.error = i18n.error(e);
    }
  }

  toggleRoot(path: string) {
    this.roots = this.roots.includes(path) ? this.roots.filter((r) => r !== path) : [...this.roots, path];
  }

  async addFolder() {
    try {
      const dir = await api.chooseFolder(t("dialog.chooseScan"));
      if (!dir) return;
      if (!this.places.some((p) => p.path === dir)) this.places = [...this.places, { path: dir, kind: "folder", default: false }];
      if (!this.roots.includes(dir)) this.roots = [...this.roots, dir];
    } catch (e) {
      this.error = i18n.error(e);
    }
  }

  async scan() {
    if (this.roots.length === 0 || this.phase === "scanning") return;
    this.error = "";
    this.result = null;
    this.chosen = [];
    this.progress = { root: this.roots[0], rootsDone: 0, rootsTotal: this.roots.length, files: 0, bytes: 0 };
    this.phase = "scanning";
    try {
      await api.startScan(this.roots);
    } catch (e) {
      this.phase = "idle";
      this.error = i18n.error(e);
    }
  }

  async cancel() {
    if (this.phase !== "scanning") return;
    this.phase = "canceling";
    await api.cancelScan().catch(() => {});
  }

  toggle(path: string) {
    this.chosen = this.chosen.includes(path) ? this.chosen.filter((p) => p !== path) : [...this.chosen, path];
  }

  toggleAll() {
    const all = this.result?.folders.map((f) => f.path) ?? [];
    this.chosen = this.chosen.length === all.length ? [] : all;
  }

  get chosenTotals(): { files: number; saving: number } {
    const set = new Set(this.chosen);
    let files = 0;
    let saving = 0;
    for (const f of this.result?.folders ?? []) {
      if (set.has(f.path)) {
        files += f.files;
        saving += f.saving;
      }
    }
    return { files, saving };
  }

  /** Convert the ticked folders; true when the convert screen should show the run. */
  async convert(): Promise<boolean> {
    if (this.chosen.length === 0) return false;
    this.error = "";
    try {
      const run = await api.convertScanned(this.chosen);
      queue.follow(run);
      return true;
    } catch (e) {
      this.error = i18n.error(e);
      return false;
    }
  }
}

export const scan = new ScanStore();
