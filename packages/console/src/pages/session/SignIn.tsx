import { Alert, Button, Flex } from "antd";
// The bare input (a password field is one too): the package entry also brings TextArea, Search,
// OTP and the reveal button, which the sign-in screen does without.
import Input from "antd/es/input/Input";
import { type FormEvent, useEffect, useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { errorMessage } from "../../api/errors.js";
import { type SecondFactorChallenge, useSession, useSignIn } from "../../api/session.js";
import { LanguageSwitch } from "../../components/LanguageSwitch.js";
import { useI18n } from "../../i18n/index.js";
import { serverInfo } from "../../lib/server-info.js";
import { SecondStep } from "./SecondStep.js";

interface Fields {
  username: string;
  password: string;
}

/**
 * Sign in; in sandbox mode, says where the first administrator's password is. From a new
 * device, the right password leads to a second step (the authenticator's or an e-mailed code).
 */
export function SignIn() {
  const { t } = useI18n();
  const session = useSession();
  const signIn = useSignIn();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get("next");
  const target = next?.startsWith("/") && !next.startsWith("//") ? next : "/accounts";

  const [fields, setFields] = useState<Fields>({ username: "", password: "" });
  const [tried, setTried] = useState(false);
  const [challenge, setChallenge] = useState<SecondFactorChallenge>();
  const missing = { username: tried && !fields.username.trim(), password: tried && !fields.password };

  useEffect(() => {
    document.title = t("pages.signIn.title");
  }, [t]);

  // A plain form: Ant Design's Form would add ~9 KB gzip to the first screen for two fields.
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!fields.username.trim() || !fields.password) return;
    signIn.mutate(
      { username: fields.username.trim(), password: fields.password },
      {
        onSuccess: (answer) => {
          if ("secondFactor" in answer) setChallenge(answer.secondFactor);
          else navigate(target, { replace: true });
        },
      },
    );
  };

  if (session.data) return <Navigate to={target} replace />;
  return (
    <main
      style={{
        minHeight: "100vh",
        display: "grid",
        placeItems: "center",
        padding: 16,
        background: "#f5f5f5",
      }}
    >
      <div className="wx-card" style={{ maxWidth: 400, padding: 24 }}>
        <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
          <h1 className="wx-title" style={{ margin: 0 }}>
            {t("pages.signIn.title")}
          </h1>
          <LanguageSwitch />
        </Flex>
        {challenge ? (
          <SecondStep
            challenge={challenge}
            username={fields.username.trim().toLowerCase()}
            onSignedIn={() => navigate(target, { replace: true })}
            onBack={() => {
              setChallenge(undefined);
              setFields({ ...fields, password: "" });
              signIn.reset();
            }}
          />
        ) : (
          <>
            {serverInfo.mode === "sandbox" && (
              <Alert
                type="info"
                showIcon
                style={{ marginBottom: 16 }}
                message={t("pages.signIn.sandboxHint")}
              />
            )}
            {signIn.isError && (
              <Alert
                type="error"
                showIcon
                role="alert"
                style={{ marginBottom: 16 }}
                message={errorMessage(t, signIn.error)}
                data-testid="sign-in-error"
              />
            )}
            <form noValidate onSubmit={submit}>
              <div className="wx-field">
                <label htmlFor="username">{t("pages.signIn.username")}</label>
                <Input
                  id="username"
                  name="username"
                  autoComplete="username"
                  autoFocus
                  value={fields.username}
                  status={missing.username ? "error" : ""}
                  aria-invalid={missing.username}
                  aria-describedby={missing.username ? "username-missing" : undefined}
                  onChange={(e) => setFields({ ...fields, username: e.target.value })}
                />
                {missing.username && (
                  <div id="username-missing" className="wx-danger wx-small">
                    {t("pages.signIn.required", { field: t("pages.signIn.username") })}
                  </div>
                )}
              </div>
              <div className="wx-field">
                <label htmlFor="password">{t("pages.signIn.password")}</label>
                <Input
                  id="password"
                  name="password"
                  type="password"
                  autoComplete="current-password"
                  value={fields.password}
                  status={missing.password ? "error" : ""}
                  aria-invalid={missing.password}
                  aria-describedby={missing.password ? "password-missing" : undefined}
                  onChange={(e) => setFields({ ...fields, password: e.target.value })}
                />
                {missing.password && (
                  <div id="password-missing" className="wx-danger wx-small">
                    {t("pages.signIn.required", { field: t("pages.signIn.password") })}
                  </div>
                )}
              </div>
              <Button type="primary" htmlType="submit" block loading={signIn.isPending}>
                {t("pages.signIn.submit")}
              </Button>
            </form>
            <p className="wx-muted" style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }}>
              {t("pages.signIn.forgot")}
            </p>
          </>
        )}
      </div>
    </main>
  );
}
