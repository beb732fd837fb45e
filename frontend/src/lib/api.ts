// The one place that touches the Wails bridge (window.go, window.runtime).
//
// We do not commit or generate frontend/wailsjs: these few typed wrappers
// call the bound methods by name, and TestBridgeNamesMatchApp (app_test.go) checks that
// every name used here is a method of App, so the two cannot drift apart.
// Stores call this module; components call stores.

export type Format = "webp" | "avif";
export type Preset = "smallest" | "balanced" | "best" | "auto";
/** The quality choice kept in the settings: a preset, or "custom" (Settings.quality, Settings.lossless). */
export type QualityChoice = Preset | "custom";

export interface ConvertRequest {
  paths: string[];
  format: Format;
  preset: QualityChoice;
}
export interface Refusal {
  code: string;
  message: string;
  upgradeTo: string;
  files: number;
}
export interface RunInfo {
  runId: string;
  total: number;
  queued: number;
  refusals: Refusal[] | null;
  nothing: string;
  files: string[] | null;
  /** The drop came during a run; its files (queued) convert when that run ends. */
  behind: boolean;
  /** "" for a person's drop or click, "schedule" for a watched folder (folder names it), "scan". */
  origin: "" | "schedule" | "scan";
  folder: string;
  /** The run's sources' total size and the expected saving (typical ratios; refined as files finish). */
  bytes: number;
  saving: number;
}
export interface Progress {
  runId: string;
  done: number;
  total: number;
  bytesIn: number;
  bytesOut: number;
  etaSeconds: number;
  current: string;
  active: string[] | null;
}
export type FileStatus = "converted" | "skipped" | "failed" | "cancelled";
export interface FileResult {
  runId: string;
  src: string;
  dst: string;
  status: FileStatus;
  code: string;
  reason: string;
  bytesIn: number;
  bytesOut: number;
  /** The quality used (fixed, or chosen by "auto"); 0 when lossless or not converted. */
  quality: number;
}
export interface Summary {
  runId: string;
  converted: number;
  skipped: number;
  failed: number;
  bytesIn: number;
  bytesOut: number;
  savedBytes: number;
  savedPercent: number;
  outputDir: string;
  canceled: boolean;
  queued: number;
  autoContinue: boolean;
  error: string;
  errorCode: string;
  problems: FileResult[] | null;
  origin: "" | "schedule" | "scan";
  folder: string;
}
export interface EngineInfo {
  webp: string;
  avif: string;
  warning: string;
}
export interface Settings {
  format: Format;
  preset: QualityChoice;
  outputMode: "beside" | "folder";
  outputDir: string;
  existing: "skip" | "overwrite" | "rename";
  keepMetadata: boolean;
  resize: boolean;
  maxWidth: number;
  maxHeight: number;
  keepDates: boolean;
  language: "" | "ko" | "en" | "ja";
  closeAction: "ask" | "background" | "quit";
  startAtLogin: boolean;
  /** Fine control (Basic+): the custom preset's number 1–100 and lossless WebP; a target size in KB (0 = off). */
  quality: number;
  lossless: boolean;
  targetKB: number;
  /** Output names: "{name}" keeps the original's; {date} and {ext} may be added. */
  namePattern: string;
}
export interface PlanInfo {
  id: string;
  name: string;
  priceKRW: number;
  dailyLimit: number; // -1 = unlimited
  formats: string[];
  features: string[];
  batchSize: number;
  maxDevices: number;
}
export interface Device {
  id: string;
  name: string;
  os: string;
  lastSeen: string;
  current: boolean;
}
export interface AccountState {
  signedIn: boolean;
  email: string;
  plan: PlanInfo;
  status: string; // active | past_due | canceled | expired | ""
  autoRenew: boolean;
  periodEnd: string;
  usedToday: number;
  remainingToday: number; // -1 = unlimited
  offline: boolean;
  graceDaysLeft: number;
  notice: string;
  noticeKey: string;
  available: boolean; // false while the account service is not configured
  /** Set while the monthly payment is failing (reason ""otherwise). */
  renewalIssue: RenewalIssue;
}
export interface RenewalIssue {
  reason: "" | "card_declined" | "payment_error";
  /** When the card is tried again; "" when no attempt is left (the plan ends at periodEnd). */
  nextAttempt: string;
}

export interface CloseQuestion {
  watching: number;
  running: boolean;
}

export type CheckoutStatus = "" | "waiting" | "paid" | "failed" | "expired" | "closed";
export interface CheckoutInfo {
  orderId: string;
  plan: string;
  url: string;
  opened: boolean;
  status: CheckoutStatus;
  failureCode: string;
}

export interface ScanPlace {
  path: string;
  kind: "folder" | "home" | "drive";
  default: boolean;
}
export interface ScanProgress {
  root: string;
  rootsDone: number;
  rootsTotal: number;
  files: number;
  bytes: number;
}
export interface ScanFolder {
  path: string;
  files: number;
  bytes: number;
  saving: number;
}
export interface ScanResult {
  roots: string[];
  folders: ScanFolder[];
  files: number;
  bytes: number;
  saving: number;
  skipped: number;
  format: Format;
  canceled: boolean;
  error: string;
  errorCode: string;
  errorDetail: string;
}
export type ScheduleMode = "arrival" | "daily";
export interface ScheduleRequest {
  folder: string;
  format: Format;
  preset: Preset;
  mode: ScheduleMode;
  at: string;
}
export interface ScheduleInfo {
  id: string;
  folder: string;
  format: Format;
  preset: Preset;
  mode: ScheduleMode;
  at: string;
  enabled: boolean;
  status: "watching" | "daily" | "off" | "paused" | "locked";
  lastRun: string;
  lastCode: string;
  lastResult: string;
  converted: number;
  saved: number;
  pausedUntil: string;
}

type Bound = Record<string, (...args: unknown[]) => Promise<unknown>>;
export interface UpdateInfo {
  current: string;
  latest: string;
  newer: boolean;
  /** This version may not convert until it is updated (below the release's minimum). */
  required: boolean;
  notes: Record<string, string> | null;
  phase: "current" | "available" | "downloading" | "ready" | "failed";
  percent: number;
  /** restart (Windows: the app installs and restarts), open (macOS: the disk image), command (Linux: apt). */
  how: "restart" | "open" | "command";
  file: string;
  /** An error code (err.<code>): the last check or download went wrong; the app is unchanged. */
  problem: string;
  checked: string;
  /** Grows with every change: an answer older than the last event is dropped. */
  seq: number;
}
export interface HistoryFile {
  src: string;
  dst: string;
  status: FileStatus;
  code: string;
  reason: string;
  bytesIn: number;
  bytesOut: number;
  /** The encoder quality used; 0 when not recorded. */
  quality: number;
}
export interface HistoryRun {
  id: string;
  started: string;
  ended: string;
  origin: "" | "schedule" | "scan";
  folder: string;
  format: string;
  outputDir: string;
  converted: number;
  skipped: number;
  failed: number;
  bytesIn: number;
  bytesOut: number;
  canceled: boolean;
  /** Only in resultRun's answer. */
  files: HistoryFile[] | null;
  fileCount: number;
  truncated: boolean;
}
export interface Component {
  name: string;
  license: string;
  url: string;
}
export interface AboutInfo {
  version: string;
  support: string;
  components: Component[] | null;
  licenseDir: string;
}

/** A photo opened in the compare view (OpenCompare). problem (a reason code) is set when it cannot be
 * previewed; nothing else is then. width/height are the pixels compared, after the resize setting. */
export interface CompareInfo {
  token: string;
  path: string;
  name: string;
  sourceBytes: number;
  width: number;
  height: number;
  resized: boolean;
  /** Address of the original as PNG (served by the app under /preview/). */
  original: string;
  /** The presets' qualities per format, for the slider. */
  qualities: Record<string, Record<string, number>> | null;
  problem: string;
  reason: string;
}
/** One encode of the open photo. A draft encodes only the part on screen (x, y, width, height in
 * picture pixels; 0×0 = the whole picture) while the slider moves. quality 0 takes the preset's. */
export interface CompareRequest {
  token: string;
  format: Format;
  preset: Preset;
  quality: number;
  draft: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface CompareResult {
  /** A newer request replaced this one: show nothing. */
  stale: boolean;
  draft: boolean;
  /** The encoder's output decoded back, as PNG; it covers x, y, width, height of the picture. */
  image: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The whole picture's size: exact after a full encode, estimated after a draft (0 while unknown). */
  bytes: number;
  estimate: boolean;
  sourceBytes: number;
  saving: number;
  /** The conversion would keep the original: the result is not smaller. */
  kept: boolean;
  format: string;
  quality: number;
  millis: number;
  /** This format cannot hold the photo (a reason code), e.g. wider than WebP allows. */
  problem: string;
  reason: string;
}

declare global {
  interface Window {
    go?: { main?: { App?: Bound } };
    runtime?: {
      EventsOnMultiple(name: string, cb: (...data: unknown[]) => void, max: number): () => void;
      OnFileDrop(cb: (x: number, y: number, paths: string[]) => void, useDropTarget: boolean): void;
      OnFileDropOff(): void;
      BrowserOpenURL(url: string): void;
      WindowSetTitle(title: string): void;
      ClipboardSetText(text: string): Promise<boolean>;
    };
  }
}

/** The bindings appear once the Wails runtime has connected (at once in the
 * app window, after a websocket handshake in a browser on the dev server). */
function bound(): Promise<Bound> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      const app = window.go?.main?.App;
      if (app) return resolve(app);
      if (Date.now() - started > 15000) return reject(new Error("The app is still starting. Please try again in a moment."));
      setTimeout(poll, 50);
    };
    poll();
  });
}

/** Errors of bound methods arrive as UIError objects (main.go's ErrorFormatter): code, sentence, detail. */
async function call<T>(method: string, ...args: unknown[]): Promise<T> {
  const app = await bound();
  if (typeof app[method] !== "function") throw new ApiError("This version of the app cannot do that yet.", "internal");
  try {
    return (await app[method](...args)) as T;
  } catch (e: unknown) {
    if (e && typeof e === "object" && "code" in e) {
      const f = e as { code: string; message: string; detail: string };
      throw new ApiError(f.message, f.code, f.detail);
    }
    throw new ApiError(typeof e === "string" ? e : e instanceof Error ? e.message : String(e));
  }
}

/** An error from Go: a code the UI translates (err.<code>), the English sentence, and a detail (a path…). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string = "",
    readonly detail: string = "",
  ) {
    super(message);
  }
}

export const api = {
  startConversion: (req: ConvertRequest) => call<RunInfo>("StartConversion", req),
  continueQueue: () => call<RunInfo>("ContinueQueue"),
  cancel: () => call<boolean>("Cancel"),
  chooseFiles: (title: string, imagesLabel: string) => call<string[] | null>("ChooseFiles", title, imagesLabel),
  chooseFolder: (title: string) => call<string>("ChooseFolder", title),
  openFolder: (path: string) => call<void>("OpenFolder", path),
  getSettings: () => call<Settings>("GetSettings"),
  saveSettings: (s: Settings) => call<Settings>("SaveSettings", s),
  previewName: (pattern: string, format: Format) => call<string>("PreviewName", pattern, format),
  engineInfo: () => call<EngineInfo>("EngineInfo"),
  systemLanguage: () => call<"" | "ko" | "en" | "ja">("SystemLanguage"),
  account: () => call<AccountState>("Account"),
  signIn: (email: string, password: string) => call<AccountState>("SignIn", email, password),
  signUp: (email: string, password: string) => call<AccountState>("SignUp", email, password),
  resetPassword: (email: string) => call<void>("ResetPassword", email),
  signOut: () => call<AccountState>("SignOut"),
  refreshAccount: () => call<AccountState>("RefreshAccount"),
  checkAccount: () => call<AccountState>("CheckAccount"),
  plans: () => call<PlanInfo[]>("Plans"),
  devices: () => call<Device[]>("Devices"),
  removeDevice: (id: string) => call<Device[]>("RemoveDevice", id),
  upgrade: (planId: string, lang: string) => call<CheckoutInfo>("Upgrade", planId, lang),
  reopenCheckout: () => call<CheckoutInfo>("ReopenCheckout"),
  closeCheckout: () => call<CheckoutInfo>("CloseCheckout"),
  checkout: () => call<CheckoutInfo>("Checkout"),
  keepInBackground: (remember: boolean) => call<void>("KeepInBackground", remember),
  quitApp: (remember: boolean) => call<void>("QuitApp", remember),
  setAutoRenew: (on: boolean) => call<AccountState>("SetAutoRenew", on),
  scanPlaces: () => call<ScanPlace[]>("ScanPlaces"),
  startScan: (roots: string[]) => call<void>("StartScan", roots),
  cancelScan: () => call<boolean>("CancelScan"),
  convertScanned: (folders: string[]) => call<RunInfo>("ConvertScanned", folders),
  schedules: () => call<ScheduleInfo[]>("Schedules"),
  addSchedule: (req: ScheduleRequest) => call<ScheduleInfo[]>("AddSchedule", req),
  setScheduleEnabled: (id: string, on: boolean) => call<ScheduleInfo[]>("SetScheduleEnabled", id, on),
  removeSchedule: (id: string) => call<ScheduleInfo[]>("RemoveSchedule", id),
  updateStatus: () => call<UpdateInfo>("UpdateStatus"),
  checkForUpdates: () => call<UpdateInfo>("CheckForUpdates"),
  installUpdate: () => call<void>("InstallUpdate"),
  about: () => call<AboutInfo>("About"),
  results: () => call<HistoryRun[]>("Results"),
  resultRun: (id: string) => call<HistoryRun>("ResultRun", id),
  chooseCSVFile: (title: string, name: string) => call<string>("ChooseCSVFile", title, name),
  exportResults: (id: string, path: string) => call<string>("ExportResults", id, path),
  showInFolder: (path: string) => call<void>("ShowInFolder", path),
  openCompare: (path: string, format: Format) => call<CompareInfo>("OpenCompare", path, format),
  encodeCompare: (req: CompareRequest) => call<CompareResult>("EncodeCompare", req),
  closeCompare: (token: string) => call<void>("CloseCompare", token),
};

/** Subscribe to a Go event; returns the unsubscribe function (always call it). */
export function onEvent<T>(name: string, cb: (data: T) => void): () => void {
  if (!window.runtime) return () => {};
  return window.runtime.EventsOnMultiple(name, (...data: unknown[]) => cb(data[0] as T), -1);
}

/** Native file drop (Wails OnFileDrop) anywhere on the window: the paths of the dropped files and folders. */
export function onFileDrop(cb: (paths: string[]) => void): () => void {
  if (!window.runtime) return () => {};
  window.runtime.OnFileDrop((_x, _y, paths) => cb(paths ?? []), false);
  return () => window.runtime?.OnFileDropOff();
}

/** Open a web page or mail address in the user's browser or mail app. */
export function openURL(url: string) {
  if (window.runtime?.BrowserOpenURL) window.runtime.BrowserOpenURL(url);
  else window.open(url, "_blank", "noopener");
}

/** The window's title (the app's name in the UI's language). */
export function setWindowTitle(title: string) {
  window.runtime?.WindowSetTitle(title);
  document.title = title;
}

/** Put text on the clipboard; false when neither the app nor the page could. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (window.runtime?.ClipboardSetText && (await window.runtime.ClipboardSetText(text))) return true;
  } catch {
    /* fall back to the page's clipboard */
  }
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export const events = {
  progress: "convert:progress",
  file: "convert:file",
  done: "convert:done",
  account: "account:changed",
  scanProgress: "scan:progress",
  scanDone: "scan:done",
  schedules: "schedules:changed",
  started: "convert:started",
  checkout: "checkout:changed",
  closeAsked: "app:close-asked",
  update: "update:changed",
} as const;
