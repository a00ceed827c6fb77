import { useMutation } from "@tanstack/react-query";
import { Alert, Form, type FormInstance, Modal } from "antd";
import { type ReactNode, useState } from "react";
import { errorMessage } from "../api/errors.js";
import { useI18n } from "../i18n/index.js";
import { SecretOnce } from "./SecretOnce.js";

/**
 * A form in a dialog whose answer may carry a secret the server shows once (an API key, a
 * webhook's signing secret, a generated password): the form, its refusal translated, then the
 * secret in {@link SecretOnce} until the user says it is saved. `submit` resolves with the
 * secret, or null when the answer has none (the dialog then just closes).
 */
export function SecretFormDialog<Values extends object>(props: {
  open: boolean;
  title: string;
  /** The title over the secret once it is shown. */
  secretTitle: string;
  form?: FormInstance<Values>;
  initialValues?: Partial<Values>;
  submit(values: Values): Promise<string | null>;
  /**
   * When the dialog closes: `done` once the answer came and its secret (if any) was saved,
   * false when the form was cancelled.
   */
  onClose(done: boolean): void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const [own] = Form.useForm<Values>();
  const form = props.form ?? own;
  const [secret, setSecret] = useState<string | null>(null);
  const send = useMutation({ mutationFn: props.submit });
  const close = (done: boolean) => {
    send.reset();
    props.onClose(done);
  };
  return (
    <>
      <Modal
        open={props.open && secret === null}
        title={props.title}
        okText={t("actions.confirm")}
        cancelText={t("actions.cancel")}
        confirmLoading={send.isPending}
        onCancel={() => close(false)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form<Values>
          form={form}
          layout="vertical"
          preserve={false}
          {...(props.initialValues ? { initialValues: props.initialValues } : {})}
          onFinish={(values) =>
            send.mutate(values, {
              onSuccess: (shown) => {
                if (shown === null) close(true);
                else setSecret(shown);
              },
            })
          }
        >
          {props.children}
        </Form>
        {send.isError && <Alert type="error" showIcon message={errorMessage(t, send.error)} />}
      </Modal>
      <SecretOnce
        title={props.secretTitle}
        secret={secret}
        onClose={() => {
          setSecret(null);
          close(true);
        }}
      />
    </>
  );
}
