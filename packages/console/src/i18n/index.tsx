import type { Locale } from "antd/es/locale";
import antdZhCN from "antd/locale/zh_CN";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import { type MessageKey, zhCN } from "./zh-CN.js";

export type { MessageKey } from "./zh-CN.js";

/** The console's languages; zh-CN unless the user chose English (remembered in localStorage). */
export type Language = "zh-CN" | "en-US";
export type Translate = (key: MessageKey, vars?: Readonly<Record<string, string | number>>) => string;

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
      t: (key, vars) => format(pack.messages[key], vars),
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
