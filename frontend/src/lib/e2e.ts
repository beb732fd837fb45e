// Test builds only (-tags e2e): answer the test's pings through the bound
// object E2E, proving the window still shows the app and its bindings work,
// with where things are on screen so the test can drop on them. The shipped
// app binds no E2E object, so this does nothing there.
import { onEvent } from "./api";

type Info = () => Record<string, unknown>;
type Hooks = { Pong(id: string, info: unknown): Promise<void> };

export function answerPings(info: Info) {
  const e2e = (window as unknown as { go?: { e2ehooks?: { Hooks?: Hooks } } }).go?.e2ehooks?.Hooks;
  if (!e2e) return;
  onEvent<string>("e2e:ping", (id) => {
    const rects: Record<string, number[]> = {};
    for (const el of document.querySelectorAll<HTMLElement>("[data-testid]")) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) rects[el.dataset.testid!] = [r.x, r.y, r.width, r.height].map(Math.round);
    }
    void e2e.Pong(id, { href: location.href, title: document.title, rects, ...info() });
  });
}
