// Every drag over the window belongs to the app. The page accepts file drags
// everywhere (capture phase, before any component), so the web view never
// falls back to opening a dropped photo or folder as a page — the window
// would then show the photo instead of the app; the Go side adds a native
// guard for WebKitGTK (platform.GuardNavigation). The paths of every drop,
// wherever it lands and whatever screen shows, go to one handler; drops
// that arrive before the UI has set its handler wait for it.
import { onFileDrop } from "./api";

class DragState {
  /** Files are being dragged over the window (the UI shows where they go). */
  over = $state(false);
}
export const drag = new DragState();

let hideTimer: ReturnType<typeof setTimeout> | undefined;

function carriesFiles(e: DragEvent): boolean {
  const types = Array.from(e.dataTransfer?.types ?? []);
  return types.includes("Files") || types.includes("text/uri-list");
}

function onOver(e: DragEvent) {
  e.preventDefault(); // taken here: the web view must not handle it itself
  if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
  if (!carriesFiles(e)) return;
  drag.over = true;
  // dragover repeats while the pointer is over the window; when it stops
  // (the drag left, or was cancelled with Esc) the hint goes away.
  clearTimeout(hideTimer);
  hideTimer = setTimeout(() => (drag.over = false), 800);
}

function onLeave() {
  clearTimeout(hideTimer);
  hideTimer = setTimeout(() => (drag.over = false), 120);
}

function onDropEvent(e: DragEvent) {
  e.preventDefault();
  clearTimeout(hideTimer);
  drag.over = false;
}

window.addEventListener("dragenter", onOver, true);
window.addEventListener("dragover", onOver, true);
window.addEventListener("dragleave", onLeave, true);
window.addEventListener("drop", onDropEvent, true);

type Handler = (paths: string[]) => void;
let handler: Handler | null = null;
const early: string[][] = [];

/** Set the handler of every drop; drops that came before it are handed over now. */
export function handleDrops(h: Handler) {
  handler = h;
  for (const paths of early.splice(0)) h(paths);
}

function received(paths: string[]) {
  if (paths.length === 0) return;
  // The UI changes only after the web view has finished the drop: the app
  // may hear of a drop before WebKit dispatches the page's drop event, and
  // if the element under the pointer were gone by then, the page would
  // never see that event and WebKit would open the dropped file as a page.
  if (handler) setTimeout(() => handler?.(paths), 0);
  else early.push(paths);
}

// The Wails runtime script is injected before this module runs in the app;
// wait for it a little in case it is not (a slow dev server).
function subscribe(tries = 0) {
  if (window.runtime) {
    onFileDrop(received);
  } else if (tries < 200) {
    setTimeout(() => subscribe(tries + 1), 50);
  }
}
subscribe();
