import { Alert } from "antd";
import { useSandboxMail } from "../api/session.js";
import { useI18n } from "../i18n/index.js";
import { serverInfo } from "../lib/server-info.js";
import { formatTime } from "../lib/time.js";

/**
 * Sandbox mode only: the sign-in codes the sandbox "e-mailed" (it sends no real mail), newest
 * first; `username` shows only that user's.
 */
export function SandboxMailbox({ username }: { username?: string }) {
  const { t } = useI18n();
  const sandbox = serverInfo.mode === "sandbox";
  const mail = useSandboxMail(sandbox);
  if (!sandbox) return null;
  const mails = (mail.data ?? []).filter((m) => username === undefined || m.username === username);
  return (
    <section aria-label={t("sandbox.mail.title")} data-testid="sandbox-mailbox">
      <Alert
        type="info"
        showIcon
        message={t("sandbox.mail.title")}
        description={
          <>
            <p style={{ margin: "0 0 8px" }}>{t("sandbox.mail.intro")}</p>
            {mails.length === 0 ? (
              <p style={{ margin: 0 }}>{t("sandbox.mail.empty")}</p>
            ) : (
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {mails.slice(0, 5).map((m) => (
                  <li key={`${m.sentAt}-${m.code}`}>
                    {t("sandbox.mail.item", {
                      username: m.username,
                      code: m.code,
                      time: formatTime(m.sentAt),
                    })}
                  </li>
                ))}
              </ul>
            )}
          </>
        }
      />
    </section>
  );
}
