// Settings store: the only caller of the settings bindings.
import { api, setWindowTitle, type EngineInfo, type Settings } from "../lib/api";
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

  /** Format and preset are chosen on the main screen and remembered. */
  async choose(part: Pick<Settings, "format"> | Pick<Settings, "preset">) {
    if (this.value) await this.save({ ...this.value, ...part });
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
