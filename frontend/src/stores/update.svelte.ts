// Update store: the only caller of the update bindings and listener of
// update:changed (a check, download progress, a refused download).
import { i18n } from "../lib/i18n.svelte";
import { api, events, onEvent, type AboutInfo, type UpdateInfo } from "../lib/api";

class UpdateStore {
  info = $state<UpdateInfo | null>(null);
  about = $state<AboutInfo | null>(null);
  checking = $state(false);
  error = $state("");
  private offs: (() => void)[] = [];

  start() {
    this.stop();
    this.offs.push(onEvent<UpdateInfo>(events.update, (u) => this.take(u)));
    void this.load();
  }

  stop() {
    for (const off of this.offs) off();
    this.offs = [];
  }

  async load() {
    try {
      this.take(await api.updateStatus());
    } catch (e) {
      this.error = i18n.error(e);
    }
  }

  async loadAbout() {
    try {
      this.about = await api.about();
    } catch (e) {
      this.error = i18n.error(e);
    }
  }

  /** Check now: the About box's button and the banner's retry. */
  async check() {
    this.checking = true;
    this.error = "";
    try {
      this.take(await api.checkForUpdates());
    } catch (e) {
      this.error = i18n.error(e);
    } finally {
      this.checking = false;
    }
  }

  /** Keep the newest state: a call's answer can arrive after the events that followed it. */
  private take(u: UpdateInfo) {
    if (!this.info || u.seq >= this.info.seq) this.info = u;
  }

  /** Windows: the app quits and the installer restarts it; macOS: the disk image opens. */
  async install() {
    this.error = "";
    try {
      await api.installUpdate();
    } catch (e) {
      this.error = i18n.error(e);
    }
  }

  /** The release notes in the UI's language (English, then any, as fallbacks). */
  notes(): string {
    const n = this.info?.notes;
    if (!n) return "";
    return n[i18n.lang] ?? n.en ?? Object.values(n)[0] ?? "";
  }
}

export const update = new UpdateStore();
