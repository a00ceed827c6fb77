import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.js";
import { chosenLanguage, loadLanguage } from "./i18n/index.js";
import "./styles.css";
import { serverInfo } from "./lib/server-info.js";
import { stampStyleNonces } from "./lib/style-nonce.js";

stampStyleNonces(serverInfo.styleNonce);

const root = document.getElementById("root");
if (root) {
  // The chosen language's texts first (English loads on demand); zh-CN if they cannot load.
  void loadLanguage(chosenLanguage())
    .catch(() => undefined)
    .then(() =>
      createRoot(root).render(
        <StrictMode>
          <App />
        </StrictMode>,
      ),
    );
}
