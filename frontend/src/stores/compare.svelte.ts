// Compare store: the only caller of the compare bindings. One photo at a time: its original beside
// what a conversion with the chosen format and quality would make of it. Nothing is converted or
// written, and no conversion is counted.
//
// Two kinds of encode run side by side: a draft (only the part on screen, or a small copy of the whole
// picture) while the quality slider moves, answered in a fraction of a second, and the full photo —
// the very bytes a conversion would write — when it stops. A newer request replaces an older one of
// the same kind; answers that come late are dropped.
import { api, type CompareInfo, type CompareResult, type Format, type Preset } from "../lib/api";
import { i18n, t } from "../lib/i18n.svelte";

export type Part = { x: number; y: number; width: number; height: number };
type Settings = { format: Format; preset: Preset; quality: number };

const key = (s: Settings) => `${s.format}/${s.preset}/${s.quality}`;

/** Load a picture before showing it, so the old one stays on screen until the new one can replace it. */
async function preload(url: string): Promise<boolean> {
  const img = new Image();
  img.src = url;
  try {
    await img.decode();
    return true;
  } catch {
    return false;
  }
}

class CompareStore {
  /** The view is open (opening, showing, or saying why it cannot). */
  shown = $state(false);
  info = $state<CompareInfo | null>(null);
  opening = $state(false);
  error = $state("");
  format = $state<Format>("webp");
  preset = $state<Preset>("balanced");
  /** The slider's value; custom when moved away from the preset. */
  quality = $state(80);
  custom = $state(false);
  /** The full encode on screen, and the draft laid over it while the settings differ. */
  full = $state<(CompareResult & { key: string }) | null>(null);
  draft = $state<(CompareResult & { key: string }) | null>(null);
  /** Encodes under way, for the spinner. */
  working = $state(0);
  /** The format cannot hold the photo: a reason code and sentence. */
  problem = $state<{ code: string; reason: string } | null>(null);
  /** The first full encode's timing, for the e2e test's report. */
  firstMillis = $state(0);

  /** The part of the picture on screen (set by the view as it zooms and pans). */
  part: Part = { x: 0, y: 0, width: 0, height: 0 };
  private seq = { draft: 0, full: 0 };
  private draftBusy = false;
  private draftAgain = false;
  private fullTimer: ReturnType<typeof setTimeout> | undefined;
  private opened = 0;

  private settings(): Settings {
    return { format: this.format, preset: this.preset, quality: this.custom ? this.quality : 0 };
  }

  /** The quality "auto" chose for the open photo in the current format (0 until known). */
  autoQuality = $state(0);

  /** The preset's quality for the current format ("auto": the one chosen for this photo, once known). */
  presetQuality(p: Preset = this.preset): number {
    if (p === "auto" && this.autoQuality > 0) return this.autoQuality;
    return this.info?.qualities?.[this.format]?.[p] ?? (this.format === "avif" ? 70 : 80);
  }

  /** Open path with these settings (the main screen's, or a past run's format and quality). */
  async open(path: string, start: { format: Format; preset: Preset; quality?: number }) {
    await this.close();
    const me = ++this.opened;
    this.shown = true;
    this.opening = true;
    this.error = "";
    this.problem = null;
    this.format = start.format;
    this.preset = start.preset;
    this.custom = false;
    this.autoQuality = 0;
    try {
      const info = await api.openCompare(path, start.format);
      if (me !== this.opened) {
        if (info.token) void api.closeCompare(info.token);
        return;
      }
      this.info = info;
      this.quality = this.presetQuality();
      if (start.quality && start.quality !== this.quality) {
        this.quality = start.quality;
        this.custom = true;
      }
      if (info.problem) return;
      const started = Date.now();
      void this.encode(true).then(() => undefined);
      await this.encode(false);
      if (me === this.opened) this.firstMillis = Date.now() - started;
    } catch (e) {
      if (me === this.opened) this.error = i18n.error(e);
    } finally {
      if (me === this.opened) this.opening = false;
    }
  }

  async close() {
    this.opened++;
    clearTimeout(this.fullTimer);
    const token = this.info?.token;
    this.shown = false;
    this.info = null;
    this.full = null;
    this.draft = null;
    this.problem = null;
    this.error = "";
    this.firstMillis = 0;
    if (token) await api.closeCompare(token).catch(() => {});
  }

  chooseFormat(f: Format) {
    if (f === this.format) return;
    this.format = f;
    this.autoQuality = 0;
    this.custom = false; // the two formats' scales differ: start again from the preset
    this.quality = this.presetQuality();
    this.changed();
  }

  choosePreset(p: Preset) {
    this.preset = p;
    this.custom = false;
    this.quality = this.presetQuality();
    this.changed();
  }

  /** The slider moved (dragging: more will follow). */
  slide(q: number, dragging: boolean) {
    this.quality = Math.max(1, Math.min(100, Math.round(q)));
    this.custom = this.quality !== this.presetQuality();
    // Released (or a key pressed): the full photo shortly, so a few key presses make one encode.
    this.changed(dragging ? 400 : 200);
  }

  /** Settings changed: a draft at once, the full photo after `wait` ms without another change. */
  private changed(wait = 0) {
    this.problem = null;
    void this.requestDraft();
    clearTimeout(this.fullTimer);
    this.fullTimer = setTimeout(() => void this.encode(false), wait);
  }

  /** The view zoomed or panned: a draft of what is now on screen, when the full photo is not there. */
  viewChanged() {
    if (this.full && this.full.key !== key(this.settings())) void this.requestDraft();
  }

  /** One draft at a time; a change during it asks for one more afterwards (the newest settings). */
  private async requestDraft() {
    if (this.draftBusy) {
      this.draftAgain = true;
      return;
    }
    this.draftBusy = true;
    try {
      do {
        this.draftAgain = false;
        await this.encode(true);
      } while (this.draftAgain);
    } finally {
      this.draftBusy = false;
    }
  }

  private async encode(draft: boolean) {
    const info = this.info;
    if (!info?.token) return;
    const lane = draft ? "draft" : "full";
    const seq = ++this.seq[lane];
    const s = this.settings();
    const p = draft ? this.part : { x: 0, y: 0, width: 0, height: 0 };
    this.working++;
    try {
      const r = await api.encodeCompare({ token: info.token, ...s, draft, ...p });
      if (r.stale || seq !== this.seq[lane] || this.info?.token !== info.token) return;
      if (r.problem) {
        this.problem = { code: r.problem, reason: r.reason };
        return;
      }
      if (!(await preload(r.image)) || seq !== this.seq[lane] || this.info?.token !== info.token) return;
      if (s.preset === "auto" && s.quality === 0 && this.autoQuality !== r.quality) {
        // The search's answer for this photo: the slider shows it, and it counts as "auto", not custom.
        this.autoQuality = r.quality;
        if (!this.custom) this.quality = r.quality;
      }
      const shown = { ...r, key: key(s) };
      if (draft) {
        // A draft for settings the full photo already shows adds nothing.
        if (this.full?.key !== shown.key) this.draft = shown;
      } else {
        this.full = shown;
        if (this.draft && this.draft.key === shown.key) this.draft = null;
      }
    } catch (e) {
      if (this.info?.token === info.token) this.error = i18n.error(e);
    } finally {
      this.working--;
    }
  }

  /** The converted size shown: the full encode's, or the draft's estimate while the settings differ. */
  get size(): { bytes: number; estimate: boolean; kept: boolean; quality: number } | null {
    const r = this.draft ?? this.full;
    if (!r) return null;
    return { bytes: r.bytes, estimate: r.estimate || r !== this.full, kept: r.kept, quality: r.quality };
  }

  /** The label of the converted side: the format and its quality. */
  label(): string {
    return `${this.format.toUpperCase()} · ${this.custom ? t("compare.custom", { q: this.quality }) : t(`preset.${this.preset}`)}`;
  }
}

export const compare = new CompareStore();
