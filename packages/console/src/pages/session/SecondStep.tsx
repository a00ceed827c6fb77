import { Alert, Button, Flex } from "antd";
import Input from "antd/es/input/Input";
import { type FormEvent, useState } from "react";
import { ApiError } from "../../api/client.js";
import { errorMessage } from "../../api/errors.js";
import { type SecondFactorChallenge, useCompleteSignIn, useResendSignInCode } from "../../api/session.js";
import { SandboxMailbox } from "../../components/SandboxMailbox.js";
import { useI18n } from "../../i18n/index.js";

/**
 * The second step of a sign-in from a new device: the authenticator app's code, or the code
 * e-mailed (resent on request; in sandbox mode shown below).
 */
export function SecondStep({
  challenge,
  username,
  onSignedIn,
  onBack,
}: {
  challenge: SecondFactorChallenge;
  username: string;
  onSignedIn: () => void;
  onBack: () => void;
}) {
  const { t } = useI18n();
  const complete = useCompleteSignIn();
  const resend = useResendSignInCode();
  const [code, setCode] = useState("");
  const [tried, setTried] = useState(false);
  const invalid = tried && !/^\d{6}$/.test(code);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!/^\d{6}$/.test(code)) return;
    complete.mutate(
      { challenge: challenge.challenge, code },
      { onSuccess: onSignedIn, onError: () => setCode("") },
    );
  };

  const failure = complete.error;
  const attemptsLeft =
    failure instanceof ApiError && failure.code === "invalid_code"
      ? (failure.details as { attemptsLeft?: number } | undefined)?.attemptsLeft
      : undefined;
  const expired = failure instanceof ApiError && failure.code === "second_factor_expired";
  const prompt =
    challenge.method === "totp"
      ? t("pages.signIn.totpPrompt")
      : challenge.sentTo
        ? t("pages.signIn.emailPrompt", { email: challenge.sentTo })
        : t("pages.signIn.emailPromptNoAddress");

  return (
    <Flex vertical gap={16}>
      <h2 className="wx-card-title" style={{ margin: 0 }}>
        {t("pages.signIn.secondStep")}
      </h2>
      <p style={{ margin: 0 }}>{prompt}</p>
      {complete.isError && (
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="second-step-error"
          message={
            attemptsLeft !== undefined
              ? t("pages.signIn.attemptsLeft", { count: attemptsLeft })
              : errorMessage(t, failure)
          }
        />
      )}
      {resend.isSuccess && !complete.isError && (
        <Alert type="success" showIcon message={t("pages.signIn.resent")} />
      )}
      {resend.isError && <Alert type="error" showIcon message={errorMessage(t, resend.error)} />}
      <form noValidate onSubmit={submit}>
        <div className="wx-field">
          <label htmlFor="code">{t("pages.signIn.code")}</label>
          <Input
            id="code"
            name="code"
            autoComplete="one-time-code"
            inputMode="numeric"
            maxLength={6}
            autoFocus
            value={code}
            status={invalid ? "error" : ""}
            aria-invalid={invalid}
            aria-describedby={invalid ? "code-invalid" : undefined}
            onChange={(e) => setCode(e.target.value.replace(/\D/g, ""))}
          />
          {invalid && (
            <div id="code-invalid" className="wx-danger wx-small">
              {t("pages.signIn.codeInvalid")}
            </div>
          )}
        </div>
        <Button type="primary" htmlType="submit" block loading={complete.isPending} disabled={expired}>
          {t("pages.signIn.verify")}
        </Button>
      </form>
      <Flex justify="space-between" wrap gap={8}>
        <Button type="link" style={{ padding: 0 }} onClick={onBack}>
          {t("pages.signIn.back")}
        </Button>
        {challenge.method === "email" && (
          <Button
            type="link"
            style={{ padding: 0 }}
            loading={resend.isPending}
            disabled={expired}
            onClick={() => {
              complete.reset();
              resend.mutate(challenge.challenge);
            }}
          >
            {t("pages.signIn.resend")}
          </Button>
        )}
      </Flex>
      {challenge.sandbox && challenge.method === "email" && <SandboxMailbox username={username} />}
    </Flex>
  );
}
