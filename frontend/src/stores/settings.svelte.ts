// Settings store: the only caller of the settings bindings.
import { api, setWindowTitle, type EngineInfo, type Preset, type Settings } from "../lib/api";
import { i18n, t } from "../lib/i18n.svelte";

class SettingsStore {
  value = $state<Settings | null>(null);
  engine = $state<EngineInfo | null>(null);
  error = $state("");
  savedAt = $state(0);

  async load() {
    try {
      i18n.setSystem(await api.systemLanguage());
      this.value = await api.getSettings();
      i18n.use(this.value.language);
      setWindowTitle(t("app.title"));
      this.engine = await api.engineInfo();
    } catch (e) {
      this.error = i18n.error(e);
    }
  }

  async save(next: Settings): Promise<boolean> {
    this.error = "";
    try {
      this.value = await api.saveSettings(next);
      i18n.use(this.value.language);
      setWindowTitle(t("app.title"));
      this.savedAt = Date.now();
      return true;
    } catch (e) {
      this.error = i18n.error(e);
      return false;
    }
  }

  /** Format, preset, and the custom quality and lossless are chosen on the main screen and remembered. */
  async choose(part: Partial<Pick<Settings, "format" | "preset" | "quality" | "lossless">>) {
    if (this.value) await this.save({ ...this.value, ...part });
  }

  /** The saved quality choice where only a preset fits (a watched folder, the compare view's start):
   * the custom number's nearest preset is balanced, whose encoder effort it uses. */
  preset(): Preset {
    const p = this.value?.preset ?? "balanced";
    return p === "custom" ? "balanced" : p;
  }

  async chooseOutputFolder(): Promise<string> {
    try {
      return await api.chooseFolder(t("dialog.chooseOutput"));
    } catch (e) {
      this.error = i18n.error(e);
      return "";
    }
  }
}

export const settings = new SettingsStore();
