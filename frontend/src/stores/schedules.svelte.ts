// Schedules store: the only caller of the watched-folder bindings and
// listener of their change events (a scheduled run reports here).
import { i18n, t } from "../lib/i18n.svelte";
import { api, events, onEvent, type ScheduleInfo, type ScheduleRequest } from "../lib/api";

class SchedulesStore {
  list = $state<ScheduleInfo[]>([]);
  error = $state("");
  busy = $state(false);
  private offs: (() => void)[] = [];

  start() {
    this.stop();
    this.offs.push(onEvent<ScheduleInfo[]>(events.schedules, (l) => (this.list = l ?? [])));
  }

  stop() {
    for (const off of this.offs) off();
    this.offs = [];
  }

  async load() {
    try {
      this.list = (await api.schedules()) ?? [];
    } catch (e) {
      this.error = i18n.error(e);
    }
  }

  async chooseFolder(): Promise<string> {
    try {
      return await api.chooseFolder(t("dialog.chooseWatch"));
    } catch (e) {
      this.error = i18n.error(e);
      return "";
    }
  }

  private async act(f: () => Promise<ScheduleInfo[]>): Promise<boolean> {
    this.error = "";
    this.busy = true;
    try {
      this.list = (await f()) ?? [];
      return true;
    } catch (e) {
      this.error = i18n.error(e);
      return false;
    } finally {
      this.busy = false;
    }
  }

  add(req: ScheduleRequest) {
    return this.act(() => api.addSchedule(req));
  }

  setEnabled(id: string, on: boolean) {
    return this.act(() => api.setScheduleEnabled(id, on));
  }

  remove(id: string) {
    return this.act(() => api.removeSchedule(id));
  }
}

export const schedules = new SchedulesStore();
