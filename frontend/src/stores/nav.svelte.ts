// Navigation store: which screen shows. A drop anywhere switches to the
// conversion screen, so it lives outside the sidebar.
export type View = "convert" | "plan" | "schedules" | "scan" | "settings" | "account";

class NavStore {
  view = $state<View>("convert");
  go(view: View) {
    this.view = view;
  }
}

export const nav = new NavStore();
