// Account store: the only caller of the sign-in, plan and device bindings.
import { i18n } from "../lib/i18n.svelte";
import { api, events, onEvent, type AccountState, type Device, type PlanInfo } from "../lib/api";

class AccountStore {
  state = $state<AccountState | null>(null);
  plans = $state<PlanInfo[]>([]);
  devices = $state<Device[]>([]);
  busy = $state(false);
  error = $state("");
  private offs: (() => void)[] = [];
  private lastCheck = 0;

  async start() {
    this.stop();
    this.offs.push(onEvent<AccountState>(events.account, (s) => (this.state = s)));
    // Back from the browser after paying: pick up the new plan (the app
    // only goes to the server when its entitlement is stale).
    const onFocus = () => {
      if (Date.now() - this.lastCheck < 30_000) return;
      this.lastCheck = Date.now();
      api.checkAccount().then((s) => (this.state = s), () => {});
    };
    window.addEventListener("focus", onFocus);
    this.offs.push(() => window.removeEventListener("focus", onFocus));
    await this.refreshQuiet();
  }

  stop() {
    for (const off of this.offs) off();
    this.offs = [];
  }

  /** Re-read the account without showing errors (used after runs and at start). */
  async refreshQuiet() {
    try {
      this.state = await api.account();
    } catch {
      /* keep the last known state */
    }
  }

  private async run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    this.busy = true;
    this.error = "";
    try {
      return await fn();
    } catch (e) {
      this.error = i18n.error(e);
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  // A refused sign-in may still leave a session (e.g. too many devices: the
  // user signs in to remove one), so the state is re-read either way.
  async signIn(email: string, password: string) {
    const s = await this.run(() => api.signIn(email, password));
    if (s) this.state = s;
    else await this.refreshQuiet();
    return !!s;
  }
  async signUp(email: string, password: string) {
    const s = await this.run(() => api.signUp(email, password));
    if (s) this.state = s;
    else await this.refreshQuiet();
    return !!s;
  }
  async resetPassword(email: string) {
    return (await this.run(async () => (await api.resetPassword(email), true))) ?? false;
  }
  async signOut() {
    const s = await this.run(() => api.signOut());
    if (s) this.state = s;
  }
  async refresh() {
    const s = await this.run(() => api.refreshAccount());
    if (s) this.state = s;
  }
  async loadPlans() {
    const p = await this.run(() => api.plans());
    if (p) this.plans = p;
    if (this.state?.signedIn) {
      const d = await this.run(() => api.devices());
      if (d) this.devices = d;
    }
  }
  async removeDevice(id: string) {
    const d = await this.run(() => api.removeDevice(id));
    if (d) this.devices = d;
  }
  async upgrade(planId: string) {
    await this.run(() => api.upgrade(planId));
  }
  async setAutoRenew(on: boolean) {
    const s = await this.run(() => api.setAutoRenew(on));
    if (s) this.state = s;
  }

  /** Does the current plan include a feature ("folders", "schedules", "scan")? */
  has(feature: string): boolean {
    return this.state?.plan.features.includes(feature) ?? false;
  }
}

export const account = new AccountStore();
