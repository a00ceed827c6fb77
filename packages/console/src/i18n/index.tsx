import type { Locale } from "antd/es/locale";
import antdZhCN from "antd/locale/zh_CN";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import { type MessageKey, zhCN } from "./zh-CN.js";

export type { MessageKey } from "./zh-CN.js";

/** The console's languages; zh-CN unless the user chose English (remembered in localStorage). */
export type Language = "zh-CN" | "en-US";
export interface Translate {
  (key: MessageKey, vars?: Readonly<Record<string, string | number>>): string;
  /** Whether a key built from a value (`fields.account.kind.service`) has a text here. */
  has(key: string): key is MessageKey;
}

const STORAGE_KEY = "wxgate.language";

/** A language's texts: the console's dictionary and Ant Design's locale. */
interface LanguagePack {
  messages: Readonly<Record<MessageKey, string>>;
  antdLocale: Locale;
}

/**
 * The packs loaded so far. zh-CN, the default, is part of the first load; English is loaded
 * when chosen (before the first render when it was remembered), so a zh-CN user never
 * downloads it and an English user downloads it once.
 */
const packs: Partial<Record<Language, LanguagePack>> = { "zh-CN": { messages: zhCN, antdLocale: antdZhCN } };

/** Loads a language's pack (once). */
export async function loadLanguage(language: Language): Promise<void> {
  if (packs[language]) return;
  const english = await import("./english.js");
  packs["en-US"] = { messages: english.messages, antdLocale: english.antdLocale };
}

/** The language the user chose: `?lang=` first (remembered), then the remembered one. */
export function chosenLanguage(): Language {
  // `?lang=en` (the link the server's banner prints) chooses, and is remembered.
  const asked = new URLSearchParams(window.location.search).get("lang");
  if (asked) {
    const language: Language = asked.toLowerCase().startsWith("en") ? "en-US" : "zh-CN";
    try {
      localStorage.setItem(STORAGE_KEY, language);
    } catch {
      // private mode
    }
    return language;
  }
  try {
    return localStorage.getItem(STORAGE_KEY) === "en-US" ? "en-US" : "zh-CN";
  } catch {
    return "zh-CN";
  }
}

/** Whether a string is a key of the dictionary (for keys built from API values). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(zhCN, key);
}

export function format(template: string, vars?: Readonly<Record<string, string | number>>): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(vars, name) ? String(vars[name]) : whole,
  );
}

interface I18n {
  language: Language;
  /** Switches once the language's pack is loaded (and remembers the choice). */
  setLanguage(language: Language): void;
  t: Translate;
  antdLocale: Locale;
}

const I18nContext = createContext<I18n | null>(null);

/** Provides the chosen language; call {@link loadLanguage} for it before the first render. */
export function I18nProvider({ children }: { children: ReactNode }) {
  // A pack that failed to load leaves the page in zh-CN.
  const [language, setState] = useState<Language>(() => {
    const chosen = chosenLanguage();
    return packs[chosen] ? chosen : "zh-CN";
  });
  const setLanguage = useCallback((next: Language) => {
    void loadLanguage(next).then(() => {
      try {
        localStorage.setItem(STORAGE_KEY, next);
      } catch {
        // private mode: the choice lasts for this page only
      }
      document.documentElement.lang = next;
      setState(next);
    });
  }, []);
  const value = useMemo<I18n>(() => {
    document.documentElement.lang = language;
    const pack = packs[language] ?? packs["zh-CN"]!;
    return {
      language,
      setLanguage,
      t: Object.assign(
        (key: MessageKey, vars?: Readonly<Record<string, string | number>>) =>
          format(pack.messages[key], vars),
        { has: isMessageKey },
      ),
      antdLocale: pack.antdLocale,
    };
  }, [language, setLanguage]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n outside I18nProvider");
  return value;
}

/**
 * A section's own dictionary, in both languages: the texts of screens that load on demand
 * (the team's), kept out of the first load with them. The zh-CN half is the reference; the
 * English half is typed against it.
 */
export interface SectionDictionary<K extends string> {
  "zh-CN": Readonly<Record<K, string>>;
  "en-US": Readonly<Record<K, string>>;
}

/** A translator of a section's keys and the console's. */
export interface SectionTranslate<K extends string> {
  (key: K | MessageKey, vars?: Readonly<Record<string, string | number>>): string;
  /** Whether a key built from a value has a text in the section or the console's dictionary. */
  has(key: string): key is MessageKey;
}

/** {@link useI18n} with a section's dictionary: its keys first, then the console's. */
export function useSectionI18n<K extends string>(
  section: SectionDictionary<K>,
): Omit<I18n, "t"> & { t: SectionTranslate<K> } {
  const i18n = useI18n();
  return useMemo(() => {
    const own = section[i18n.language];
    const t: SectionTranslate<K> = Object.assign(
      (key: K | MessageKey, vars?: Readonly<Record<string, string | number>>) =>
        Object.hasOwn(own, key) ? format(own[key as K], vars) : i18n.t(key as MessageKey, vars),
      // A section's key answers as if it were the console's: its translator takes both.
      { has: (key: string): key is MessageKey => Object.hasOwn(own, key) || i18n.t.has(key) },
    );
    return { ...i18n, t };
  }, [i18n, section]);
}
