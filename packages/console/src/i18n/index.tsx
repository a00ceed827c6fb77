import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import { enUS } from "./en-US.js";
import { type MessageKey, zhCN } from "./zh-CN.js";

export type { MessageKey } from "./zh-CN.js";

/** The console's languages; zh-CN unless the user chose English (remembered in localStorage). */
export type Language = "zh-CN" | "en-US";
export type Translate = (key: MessageKey, vars?: Readonly<Record<string, string | number>>) => string;

const STORAGE_KEY = "wxgate.language";
const dictionaries: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = {
  "zh-CN": zhCN,
  "en-US": enUS,
};

function storedLanguage(): Language {
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
  setLanguage(language: Language): void;
  t: Translate;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setState] = useState<Language>(storedLanguage);
  const setLanguage = useCallback((next: Language) => {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // private mode: the choice lasts for this page only
    }
    document.documentElement.lang = next;
    setState(next);
  }, []);
  const value = useMemo<I18n>(() => {
    document.documentElement.lang = language;
    const dictionary = dictionaries[language];
    return { language, setLanguage, t: (key, vars) => format(dictionary[key], vars) };
  }, [language, setLanguage]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n outside I18nProvider");
  return value;
}
