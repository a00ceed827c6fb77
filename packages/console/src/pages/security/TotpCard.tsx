import { Alert, App, Button, Card, Flex, Input, Tag } from "antd";
import { useState } from "react";
import { errorMessage } from "../../api/errors.js";
import {
  useActivateTotp,
  useDisableTotp,
  useEnrolTotp,
  useSecurityOverview,
  useSetEmail,
} from "../../api/security.js";
import { useSectionI18n } from "../../i18n/index.js";
import { securityDictionary } from "../../i18n/security.js";
import { formatTime } from "../../lib/time.js";

/**
 * How new devices are verified, and the user's authenticator app (TOTP): set it up (QR code and
 * secret shown once, on with a first code), turn it off (a risk operation: the confirmation
 * dialog opens first when needed).
 */
export function TotpCard() {
  const { t } = useSectionI18n(securityDictionary);
  const { message, modal } = App.useApp();
  const overview = useSecurityOverview();
  const enrol = useEnrolTotp();
  const activate = useActivateTotp();
  const disable = useDisableTotp();
  const [code, setCode] = useState("");
  const data = overview.data;
  const enrolment = enrol.data;

  const protection = (() => {
    if (!data) return null;
    const { method, reason } = data.protection;
    if (reason === "verification_off")
      return <Alert type="warning" showIcon message={t("pages.security.unprotected.verification_off")} />;
    if (method === "totp")
      return <Alert type="success" showIcon message={t("pages.security.protectedByTotp")} />;
    if (method === "email")
      return (
        <Alert
          type="success"
          showIcon
          message={
            data.email
              ? t("pages.security.protectedByEmail", { email: data.email })
              : t("pages.security.protectedBySandbox")
          }
        />
      );
    return (
      <Alert
        type="warning"
        showIcon
        data-testid="unprotected"
        message={t(
          reason === "no_email"
            ? "pages.security.unprotected.no_email"
            : "pages.security.unprotected.no_mail_server",
        )}
      />
    );
  })();

  return (
    <Card title={<h2 className="wx-card-title">{t("pages.security.protection")}</h2>} size="small">
      <Flex vertical gap={12}>
        {overview.isError && <Alert type="error" showIcon message={errorMessage(t, overview.error)} />}
        {protection}
        {data && <EmailLine email={data.email} />}
        <h3 style={{ margin: 0, fontSize: 14 }}>
          {t("pages.security.totp")}{" "}
          {data?.totp.enabled && <Tag className="wx-tag-green">{t("pages.security.totpEnabledTag")}</Tag>}
        </h3>
        {data?.totp.enabled ? (
          <Flex gap={12} align="center" wrap>
            <span>{t("pages.security.totpOn", { time: formatTime(data.totp.enabledAt ?? 0) })}</span>
            <Button
              danger
              loading={disable.isPending}
              onClick={() =>
                modal.confirm({
                  title: t("pages.security.totpDisableConfirm"),
                  okText: t("pages.security.totpDisable"),
                  okButtonProps: { danger: true },
                  cancelText: t("actions.cancel"),
                  onOk: () =>
                    disable
                      .mutateAsync()
                      .then(() => {
                        enrol.reset();
                        void message.success(t("pages.security.totpDisabled"));
                      })
                      .catch((error: unknown) => void message.error(errorMessage(t, error))),
                })
              }
            >
              {t("pages.security.totpDisable")}
            </Button>
          </Flex>
        ) : (
          <>
            <p style={{ margin: 0 }}>{t("pages.security.totpOff")}</p>
            {!enrolment && (
              <Button
                style={{ alignSelf: "flex-start" }}
                loading={enrol.isPending}
                onClick={() => enrol.mutate()}
              >
                {t("pages.security.totpEnrol")}
              </Button>
            )}
            {enrol.isError && <Alert type="error" showIcon message={errorMessage(t, enrol.error)} />}
            {enrolment && (
              <Flex vertical gap={8} data-testid="totp-enrolment">
                <p style={{ margin: 0 }}>{t("pages.security.totpScan")}</p>
                <img src={enrolment.qrCode} alt={enrolment.otpauthUri} width={200} height={200} />
                <span>
                  {t("pages.security.totpSecret")}: <code data-testid="totp-secret">{enrolment.secret}</code>
                </span>
                <form
                  noValidate
                  onSubmit={(event) => {
                    event.preventDefault();
                    activate.mutate(code, {
                      onSuccess: () => {
                        enrol.reset();
                        setCode("");
                        void message.success(t("pages.security.totpActivated"));
                      },
                    });
                  }}
                >
                  <Flex gap={8} align="end" wrap>
                    <div className="wx-field" style={{ marginBottom: 0 }}>
                      <label htmlFor="totp-code">{t("pages.signIn.code")}</label>
                      <Input
                        id="totp-code"
                        autoComplete="one-time-code"
                        inputMode="numeric"
                        maxLength={6}
                        value={code}
                        onChange={(e) => setCode(e.target.value.replace(/\D/g, ""))}
                        style={{ width: 140 }}
                      />
                    </div>
                    <Button
                      type="primary"
                      htmlType="submit"
                      disabled={code.length !== 6}
                      loading={activate.isPending}
                    >
                      {t("pages.security.totpActivate")}
                    </Button>
                  </Flex>
                </form>
                {activate.isError && (
                  <Alert type="error" showIcon message={errorMessage(t, activate.error)} />
                )}
              </Flex>
            )}
          </>
        )}
      </Flex>
    </Card>
  );
}

/** The user's e-mail address, where new devices' codes go; changed in place (a risk operation). */
function EmailLine({ email }: { email: string | null }) {
  const { t } = useSectionI18n(securityDictionary);
  const { message } = App.useApp();
  const setEmail = useSetEmail();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(email ?? "");
  const trimmed = value.trim();
  const valid = trimmed === "" || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(trimmed);
  if (!editing)
    return (
      <Flex gap={8} align="center" wrap>
        <span>
          {t("pages.security.email")}: {email ?? t("pages.security.noEmail")}
        </span>
        <Button
          size="small"
          onClick={() => {
            setValue(email ?? "");
            setEditing(true);
          }}
        >
          {t("pages.security.emailEdit")}
        </Button>
      </Flex>
    );
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!valid) return;
        setEmail.mutate(trimmed === "" ? null : trimmed, {
          onSuccess: () => {
            setEditing(false);
            void message.success(t("pages.security.emailSaved"));
          },
        });
      }}
    >
      <Flex gap={8} align="end" wrap>
        <div className="wx-field" style={{ marginBottom: 0 }}>
          <label htmlFor="my-email">{t("pages.security.email")}</label>
          <Input
            id="my-email"
            type="email"
            autoComplete="email"
            maxLength={254}
            value={value}
            status={valid ? "" : "error"}
            aria-invalid={!valid}
            aria-describedby="my-email-hint"
            onChange={(e) => setValue(e.target.value)}
            style={{ width: 260 }}
          />
        </div>
        <Button type="primary" htmlType="submit" disabled={!valid} loading={setEmail.isPending}>
          {t("pages.security.emailSave")}
        </Button>
        <Button onClick={() => setEditing(false)}>{t("actions.cancel")}</Button>
      </Flex>
      <div id="my-email-hint" className={valid ? "wx-muted wx-small" : "wx-danger wx-small"}>
        {valid ? t("pages.security.emailHint") : t("pages.security.emailInvalid")}
      </div>
      {setEmail.isError && <Alert type="error" showIcon message={errorMessage(t, setEmail.error)} />}
    </form>
  );
}
