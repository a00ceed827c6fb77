import { Alert, Button, Flex, Form } from "antd";
import Input from "antd/es/input/Input";
import Password from "antd/es/input/Password";
import { useEffect } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { errorMessage } from "../../api/errors.js";
import { useSession, useSignIn } from "../../api/session.js";
import { LanguageSwitch } from "../../components/LanguageSwitch.js";
import { useI18n } from "../../i18n/index.js";
import { serverInfo } from "../../lib/server-info.js";

interface Fields {
  username: string;
  password: string;
}

/** Sign in; in sandbox mode, says where the first administrator's password is. */
export function SignIn() {
  const { t } = useI18n();
  const session = useSession();
  const signIn = useSignIn();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get("next");
  const target = next?.startsWith("/") && !next.startsWith("//") ? next : "/accounts";

  useEffect(() => {
    document.title = t("pages.signIn.title");
  }, [t]);

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
        {serverInfo.mode === "sandbox" && (
          <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t("pages.signIn.sandboxHint")} />
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
        <Form<Fields>
          layout="vertical"
          requiredMark={false}
          onFinish={(values) =>
            signIn.mutate(values, { onSuccess: () => navigate(target, { replace: true }) })
          }
        >
          <Form.Item
            label={t("pages.signIn.username")}
            name="username"
            rules={[
              { required: true, message: t("pages.signIn.required", { field: t("pages.signIn.username") }) },
            ]}
          >
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            label={t("pages.signIn.password")}
            name="password"
            rules={[
              { required: true, message: t("pages.signIn.required", { field: t("pages.signIn.password") }) },
            ]}
          >
            <Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={signIn.isPending}>
            {t("pages.signIn.submit")}
          </Button>
        </Form>
        <p className="wx-muted" style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }}>
          {t("pages.signIn.forgot")}
        </p>
      </div>
    </main>
  );
}
