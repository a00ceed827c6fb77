import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.js";
import "./styles.css";
import { serverInfo } from "./lib/server-info.js";
import { stampStyleNonces } from "./lib/style-nonce.js";

stampStyleNonces(serverInfo.styleNonce);

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
