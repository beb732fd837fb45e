// Account store: the only caller of the sign-in, plan and device bindings.
import { i18n } from "../lib/i18n.svelte";
import { api, events, onEvent, type AccountState, type CheckoutInfo, type Device, type PlanInfo } from "../lib/api";

class AccountStore {
  private current = $state<AccountState | null>(null);
  /** The order being paid in the browser, as the app watches it (null: none). */
  checkout = $state<CheckoutInfo | null>(null);
  /** The plan a finished checkout switched to, until the user dismisses the note. */
  upgraded = $state("");
  checking = $state(false);
  plans = $state<PlanInfo[]>([]);
  devices = $state<Device[]>([]);
  busy = $state(false);
  error = $state("");
  private offs: (() => void)[] = [];
  private lastCheck = 0;
  private planListeners = new Set<() => void>();

  get state(): AccountState | null {
    return this.current;
  }
  /** Every new account state goes through here, so those who keep something that belongs to the
   * plan (refusal notices) hear when the plan changes. */
  set state(s: AccountState | null) {
    const before = this.current;
    this.current = s;
    if (before && s && (before.plan.id !== s.plan.id || before.signedIn !== s.signedIn || before.email !== s.email)) {
      for (const l of this.planListeners) l();
    }
  }

  /** Hear when the effective plan or the account changes; returns the unsubscribe function. */
  onPlanChange(cb: () => void): () => void {
    this.planListeners.add(cb);
    return () => this.planListeners.delete(cb);
  }

  async start() {
    this.stop();
    this.offs.push(onEvent<AccountState>(events.account, (s) => (this.state = s)));
    this.offs.push(
      onEvent<CheckoutInfo>(events.checkout, (c) => {
        if (c.status === "paid") {
          this.upgraded = c.plan;
          // The thanks stays a while, then leaves the screen to the work.
          setTimeout(() => {
            if (this.upgraded === c.plan) this.upgraded = "";
          }, 20_000);
        }
        this.checkout = c.status === "" || c.status === "paid" ? null : c;
      }),
    );
    // Back from the browser after paying: pick up the new plan (the app
    // only goes to the server when its entitlement is stale).
    const onFocus = () => {
      // A checkout is watched: look at the order now (the user may be back from paying).
      if (Date.now() - this.lastCheck < 30_000 && !this.checkout) return;
      this.lastCheck = Date.now();
      api.checkAccount().then((s) => (this.state = s), () => {});
    };
    window.addEventListener("focus", onFocus);
    this.offs.push(() => window.removeEventListener("focus", onFocus));
    await this.refreshQuiet();
    try {
      const c = await api.checkout();
      this.checkout = c.status === "waiting" || c.status === "failed" ? c : null;
    } catch {
      /* no checkout */
    }
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
  /** Open the checkout of planId in the browser (in the UI's language); the app then watches it. */
  async upgrade(planId: string) {
    this.upgraded = "";
    const c = await this.run(() => api.upgrade(planId, i18n.lang));
    if (c) this.checkout = c;
  }
  async reopenCheckout() {
    const c = await this.run(() => api.reopenCheckout());
    if (c) this.checkout = c;
  }
  async closeCheckout() {
    const c = await this.run(() => api.closeCheckout());
    if (c) this.checkout = c;
  }
  dismissCheckout() {
    this.checkout = null;
    this.upgraded = "";
  }
  /** Offline: try to reach the service now. */
  async retryOnline() {
    this.checking = true;
    try {
      this.state = await api.refreshAccount();
    } catch {
      await this.refreshQuiet();
    } finally {
      this.checking = false;
    }
  }
  async setAutoRenew(on: boolean) {
    const s = await this.run(() => api.setAutoRenew(on));
    if (s) this.state = s;
  }

  /** Does the current plan include a feature ("folders", "schedules", "scan")? */
  has(feature: string): boolean {
    return this.state?.plan.features.includes(feature) ?? false;
  }

  /** The cheapest plan that includes feature (for "available on Basic"); fallback when none does. */
  cheapestWith(feature: string, fallback = "basic"): string {
    return [...this.plans].sort((a, b) => a.priceKRW - b.priceKRW).find((p) => p.features.includes(feature))?.id ?? fallback;
  }
}

export const account = new AccountStore();
