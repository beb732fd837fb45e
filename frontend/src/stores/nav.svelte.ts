// Navigation store: which screen shows. A drop anywhere switches to the
// conversion screen, so it lives outside the sidebar.
export type View = "convert" | "results" | "plan" | "schedules" | "scan" | "settings" | "account";

class NavStore {
  view = $state<View>("convert");
  /** The run the results screen opens with ("" = the newest). */
  run = $state("");
  go(view: View) {
    this.view = view;
  }
  showResults(runId: string) {
    this.run = runId;
    this.view = "results";
  }
}

export const nav = new NavStore();
