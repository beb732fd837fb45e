// Translations: Korean (default), English, Japanese, one JSON file per
// language in ./locales (the Go tests read them too: every code the app can
// send must have a sentence in each). A message is a string or, where a
// count decides the wording, plural forms chosen with Intl.PluralRules by
// the variable `n`. The UI follows the OS language unless the user picked
// one in Settings.
import ko from "./locales/ko.json";
import en from "./locales/en.json";
import ja from "./locales/ja.json";

export type Lang = "ko" | "en" | "ja";
export const languages: { id: Lang; label: string }[] = [
  { id: "ko", label: "한국어" },
  { id: "en", label: "English" },
  { id: "ja", label: "日本語" },
];

export type Key = keyof typeof ko;
type Plural = { zero?: string; one?: string; two?: string; few?: string; many?: string; other: string };
type Message = string | Plural;
type Dict = Record<Key, Message>;

// `satisfies` makes a key missing from a language a type error.
const dicts: Record<Lang, Dict> = { ko, en: en satisfies Dict, ja: ja satisfies Dict };

/** The OS language as Go read it from the environment; "" until known or when it does not say. */
let osLang: "" | Lang = "";

/** The OS language mapped to one we have; Korean when none matches. */
export function systemLang(): Lang {
  if (osLang) return osLang;
  const tags = [...(navigator.languages ?? []), navigator.language].filter(Boolean);
  for (const tag of tags) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    if (base === "ko" || base === "en" || base === "ja") return base;
  }
  return "ko";
}

/** Something that failed, as the bridge sends it: a code to translate, a sentence, a detail. */
type Failure = { code?: string; message?: string; detail?: string };

class I18n {
  lang = $state<Lang>(systemLang());
  private rules = new Map<Lang, Intl.PluralRules>();

  /** Record the OS language reported by the app (WebKitGTK's navigator.language is unreliable). */
  setSystem(lang: "" | Lang) {
    osLang = lang;
  }

  /** Apply the user's choice; "" follows the OS. */
  use(choice: "" | Lang) {
    this.lang = choice === "" ? systemLang() : choice;
    document.documentElement.lang = this.lang;
  }

  has = (key: string): key is Key => key in ko;

  t = (key: Key, vars: Record<string, string | number> = {}): string => {
    const msg: Message = dicts[this.lang][key] ?? ko[key] ?? key;
    let s: string;
    if (typeof msg === "string") {
      s = msg;
    } else {
      let rules = this.rules.get(this.lang);
      if (!rules) this.rules.set(this.lang, (rules = new Intl.PluralRules(this.lang)));
      const n = Number(vars.n ?? 0);
      s = msg[rules.select(n)] ?? msg.other;
    }
    return s.replace(/\{(\w+)\}/g, (_, k: string) => (k in vars ? String(vars[k]) : `{${k}}`));
  };

  /** An error from the app as a sentence in the UI language; the English sentence only for an unknown code. */
  error = (e: unknown): string => {
    const f = (e ?? {}) as Failure;
    const key = `err.${f.code ?? ""}`;
    if (f.code && this.has(key)) return this.t(key, { detail: f.detail ?? "" });
    return f.message || this.t("err.internal");
  };

  /** An account notice in the UI language, or the English sentence for codes we do not know. */
  notice = (code: string, fallback: string): string => {
    const key = `notice.${code}`;
    return code && this.has(key) ? this.t(key) : fallback;
  };

  /** Translated reason for a converter code; the English sentence for a code this version does not know. */
  reason = (code: string, fallback: string): string => {
    const key = `reason.${code}`;
    return this.has(key) ? this.t(key) : fallback || this.t("reason.io");
  };

  /** Toss's code of a declined payment as a sentence. */
  payment = (code: string): string => {
    const key = `toss.${code}`;
    return this.has(key) ? this.t(key) : this.t("toss.other");
  };

  size = (bytes: number): string => {
    const units = ["B", "KB", "MB", "GB"];
    let v = Math.max(0, bytes);
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${v.toLocaleString(this.lang, { maximumFractionDigits: i === 0 ? 0 : 1 })} ${units[i]}`;
  };

  duration = (seconds: number): string => {
    const s = Math.max(1, Math.round(seconds));
    const fmt = (value: number, unit: "second" | "minute" | "hour") =>
      new Intl.NumberFormat(this.lang, { style: "unit", unit, unitDisplay: "long" }).format(value);
    if (s < 60) return fmt(s, "second");
    if (s < 3600) return fmt(Math.round(s / 60), "minute");
    return fmt(Math.round(s / 360) / 10, "hour");
  };

  /** A period end as the checkout page and the e-mails show it: the day and the time in Korea. */
  date = (iso: string): string => {
    const d = new Date(iso);
    return isNaN(d.getTime())
      ? ""
      : new Intl.DateTimeFormat(this.lang, {
          year: "numeric",
          month: "long",
          day: "numeric",
          hour: "2-digit",
          minute: "2-digit",
          hourCycle: "h23",
          timeZone: "Asia/Seoul",
        }).format(d);
  };

  /** A plan refusal as a sentence in the UI language, naming the plan that allows it. */
  refusal = (r: { code: string; message: string; upgradeTo: string; files: number }, batch: number, format: string): string => {
    const key = `refuse.${r.code}`;
    if (!this.has(key)) return r.message;
    let s = this.t(key, { n: r.files, batch, format: format.toUpperCase() });
    if (r.upgradeTo) s += " " + this.t("refuse.upgrade", { plan: this.planName(r.upgradeTo) });
    return s;
  };

  planName = (id: string): string => {
    const names: Record<Lang, Record<string, string>> = {
      ko: { free: "무료", basic: "베이직", pro: "프로" },
      en: { free: "Free", basic: "Basic", pro: "Pro" },
      ja: { free: "無料", basic: "ベーシック", pro: "プロ" },
    };
    return names[this.lang][id] ?? id;
  };
}

export const i18n = new I18n();
export const t = i18n.t;
