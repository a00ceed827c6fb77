import { MutationCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { App as AntApp, ConfigProvider } from "antd";
import { useSyncExternalStore } from "react";
import { RouterProvider } from "react-router";
import { ApiError } from "./api/client.js";
import { I18nProvider, useI18n } from "./i18n/index.js";
import { serverInfo } from "./lib/server-info.js";
import { router } from "./routes.js";

const queryClient: QueryClient = new QueryClient({
  // A refusal of permission means what the console knew of it is stale (a switch turned off,
  // a membership ended meanwhile): read again what the user may do and see.
  mutationCache: new MutationCache({
    onError: (error) => {
      if (error instanceof ApiError && error.status === 403) void queryClient.invalidateQueries();
    },
  }),
  defaultOptions: {
    queries: {
      retry: (count, error) =>
        !(error instanceof ApiError && error.status > 0 && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

const REDUCED_MOTION = "(prefers-reduced-motion: reduce)";

/** Whether the user asked their system for less motion (followed as it changes). */
function useReducedMotion(): boolean {
  return useSyncExternalStore(
    (changed) => {
      const query = window.matchMedia(REDUCED_MOTION);
      query.addEventListener("change", changed);
      return () => query.removeEventListener("change", changed);
    },
    () => window.matchMedia(REDUCED_MOTION).matches,
  );
}

function Themed() {
  const { antdLocale } = useI18n();
  const reducedMotion = useReducedMotion();
  return (
    <ConfigProvider
      locale={antdLocale}
      csp={serverInfo.styleNonce ? { nonce: serverInfo.styleNonce } : {}}
      button={{ autoInsertSpace: false }}
      theme={{
        // Darker than the defaults where those fall under WCAG AA contrast (4.5:1) on white.
        token: {
          colorPrimary: "#067a43",
          colorLink: "#0b5cad",
          colorError: "#cf1322",
          colorTextDescription: "rgba(0, 0, 0, 0.62)",
          colorTextTertiary: "rgba(0, 0, 0, 0.62)",
          colorSuccessText: "#237804",
          colorErrorText: "#a8071a",
          colorWarningText: "#874d00",
          borderRadius: 6,
          // Dialogs, drawers and messages appear and leave without zooming or sliding for
          // those who asked their system for less motion (WCAG 2.3.3).
          motion: !reducedMotion,
        },
      }}
    >
      <AntApp>
        <RouterProvider router={router} />
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <Themed />
      </I18nProvider>
    </QueryClientProvider>
  );
}
