// Results store: the kept runs (package history) and the one shown.
import { i18n, t } from "../lib/i18n.svelte";
import { api, type HistoryFile, type HistoryRun } from "../lib/api";

export type SortKey = "name" | "before" | "after" | "saving" | "quality" | "status";

/** Saving of a converted file in percent; -1 for the others (they sort last). */
export function saving(f: HistoryFile): number {
  return f.status === "converted" && f.bytesIn > 0 ? (100 * (f.bytesIn - f.bytesOut)) / f.bytesIn : -1;
}

const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;
const statusOrder: Record<string, number> = { failed: 0, cancelled: 1, skipped: 2, converted: 3 };

class ResultsStore {
  runs = $state<HistoryRun[]>([]);
  run = $state<HistoryRun | null>(null);
  sort = $state<SortKey>("saving");
  desc = $state(true);
  error = $state("");
  exported = $state("");

  async load(preferred = "") {
    this.error = "";
    try {
      this.runs = (await api.results()) ?? [];
      const id = preferred || this.run?.id || this.runs[0]?.id || "";
      if (id) await this.open(id);
      else this.run = null;
    } catch (e) {
      this.error = i18n.error(e);
    }
  }

  async open(id: string) {
    this.error = "";
    this.exported = "";
    try {
      this.run = await api.resultRun(id);
    } catch (e) {
      this.error = i18n.error(e);
    }
  }

  by(key: SortKey) {
    if (this.sort === key) this.desc = !this.desc;
    else {
      this.sort = key;
      this.desc = key !== "name"; // names A→Z first; numbers biggest first
    }
  }

  sorted(): HistoryFile[] {
    const files = [...(this.run?.files ?? [])];
    const key = this.sort;
    const val = (f: HistoryFile): number | string => {
      switch (key) {
        case "name":
          return baseName(f.src).toLocaleLowerCase();
        case "before":
          return f.bytesIn;
        case "after":
          return f.status === "converted" ? f.bytesOut : -1;
        case "saving":
          return saving(f);
        case "quality":
          return f.quality;
        case "status":
          return statusOrder[f.status] ?? 9;
      }
    };
    files.sort((a, b) => {
      const x = val(a), y = val(b);
      const c = typeof x === "string" ? x.localeCompare(y as string) : (x as number) - (y as number);
      return this.desc ? -c : c;
    });
    return files;
  }

  async exportCSV() {
    if (!this.run) return;
    this.error = "";
    try {
      const d = new Date(this.run.ended);
      const pad = (n: number) => String(n).padStart(2, "0");
      const name = `ImageConverter-${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}.csv`;
      const path = await api.chooseCSVFile(t("results.exportTitle"), name);
      if (path) this.exported = await api.exportResults(this.run.id, path);
    } catch (e) {
      this.error = i18n.error(e);
    }
  }

  async show(f: HistoryFile) {
    this.error = "";
    try {
      await api.showInFolder(f.status === "converted" && f.dst ? f.dst : f.src);
    } catch (e) {
      this.error = i18n.error(e);
    }
  }
}

export const results = new ResultsStore();
