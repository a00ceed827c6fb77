import { ArrowLeftOutlined, PlusOutlined, UserOutlined } from "@ant-design/icons";
import {
  App,
  Avatar,
  Button,
  Card,
  Flex,
  Form,
  Input,
  Modal,
  Table,
  type TableColumnsType,
  Typography,
} from "antd";
import { useRef, useState } from "react";
import { Link, useParams } from "react-router";
import {
  type KfAccount,
  useAddKfAccount,
  useDeleteKfAccount,
  useKfAccounts,
  useRenameKfAccount,
  useUploadKfAvatar,
} from "../../api/customer-service.js";
import { kfDictionary } from "../../i18n/customer-service.js";
import { useSectionI18n } from "../../i18n/index.js";
import { sectionErrorMessage } from "../../i18n/materials.js";
import { RoutingRules } from "./RoutingRules.js";

/**
 * WeChat's CDN answers over https too, and the console's policy admits images from it over https
 * only; WeChat refuses other sites' referrers, so none is sent.
 */
const avatarSource = (url: string) => url.replace(/^http:\/\//, "https://");

/** An account's customer-service accounts at WeChat and the routing rules to them. */
export function CustomerServicePage() {
  const appId = useParams().appId ?? "";
  const { t } = useSectionI18n(kfDictionary);
  const { message, modal } = App.useApp();
  const accounts = useKfAccounts(appId);
  const add = useAddKfAccount(appId);
  const rename = useRenameKfAccount(appId);
  const remove = useDeleteKfAccount(appId);
  const avatar = useUploadKfAvatar(appId);
  const avatarInput = useRef<HTMLInputElement>(null);
  const [avatarFor, setAvatarFor] = useState<KfAccount | undefined>();
  const [editing, setEditing] = useState<KfAccount | "new" | undefined>();
  const [form] = Form.useForm<{ account: string; nickname: string }>();
  const fail = (error: unknown) => void message.error(sectionErrorMessage(t, kfDictionary["zh-CN"], error));

  const onSave = async () => {
    const values = await form.validateFields();
    if (editing === "new")
      add.mutate(values, {
        onSuccess: (a) => {
          void message.success(t("kf.added", { name: a.nickname }));
          setEditing(undefined);
        },
        onError: fail,
      });
    else if (editing)
      rename.mutate(
        { account: editing.account, nickname: values.nickname },
        {
          onSuccess: () => {
            void message.success(t("kf.renamed", { name: values.nickname }));
            setEditing(undefined);
          },
          onError: fail,
        },
      );
  };

  const onDelete = (a: KfAccount) =>
    modal.confirm({
      title: t("kf.delete"),
      content: t("kf.deleteConfirm", { name: a.account }),
      okButtonProps: { danger: true },
      okText: t("kf.delete"),
      cancelText: t("actions.cancel"),
      onOk: () =>
        remove
          .mutateAsync(a.account)
          .then((r) => void message.success(t("kf.deleted", { name: a.account, rules: r.rulesRemoved })))
          .catch(fail),
    });

  const onAvatarChosen = (file: File | undefined) => {
    const target = avatarFor;
    if (!file || !target) return;
    avatar.mutate(
      { account: target.account, file },
      {
        onSuccess: () => void message.success(t("kf.avatarSet", { name: target.nickname })),
        onError: fail,
        onSettled: () => setAvatarFor(undefined),
      },
    );
  };

  const columns: TableColumnsType<KfAccount> = [
    {
      title: t("kf.avatar"),
      key: "avatar",
      width: 64,
      render: (_, a) => (
        <Avatar
          size={40}
          icon={<UserOutlined />}
          src={
            a.avatarUrl ? (
              <img
                src={avatarSource(a.avatarUrl)}
                alt={t("kf.avatarOf", { name: a.nickname })}
                referrerPolicy="no-referrer"
              />
            ) : undefined
          }
        />
      ),
    },
    { title: t("kf.account"), key: "account", render: (_, a) => a.account },
    { title: t("kf.nickname"), key: "nickname", render: (_, a) => a.nickname },
    { title: t("kf.bound"), key: "bound", render: (_, a) => a.boundWeChat ?? t("kf.unbound") },
    {
      title: t("fields.account.actions"),
      key: "actions",
      width: 260,
      render: (_, a) => (
        <Flex gap={8} wrap>
          <Button
            size="small"
            loading={avatar.isPending && avatarFor?.account === a.account}
            onClick={() => {
              setAvatarFor(a);
              avatarInput.current?.click();
            }}
          >
            {t("kf.setAvatar")}
          </Button>
          <Button
            size="small"
            onClick={() => {
              form.setFieldsValue({ account: a.account, nickname: a.nickname });
              setEditing(a);
            }}
          >
            {t("kf.rename")}
          </Button>
          <Button size="small" danger onClick={() => onDelete(a)}>
            {t("kf.delete")}
          </Button>
        </Flex>
      ),
    },
  ];

  return (
    <Flex vertical gap={16}>
      <Link to={`/accounts/${encodeURIComponent(appId)}`}>
        <Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingInline: 0 }}>
          {t("kf.back")}
        </Button>
      </Link>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t("kf.title")}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t("kf.intro")}
      </Typography.Paragraph>
      <Card size="small" title={t("kf.accounts")}>
        <Flex vertical gap={12}>
          <Flex justify="flex-end">
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => {
                form.resetFields();
                setEditing("new");
              }}
            >
              {t("kf.add")}
            </Button>
          </Flex>
          <Table<KfAccount>
            aria-label={t("kf.accounts")}
            rowKey="account"
            size="small"
            tableLayout="fixed"
            scroll={{ x: 600 }}
            loading={accounts.isFetching}
            columns={columns}
            dataSource={accounts.data?.items ?? []}
            pagination={false}
          />
        </Flex>
      </Card>
      <input
        ref={avatarInput}
        type="file"
        accept=".jpg,.jpeg,image/jpeg"
        aria-label={t("kf.avatarFile")}
        hidden
        onChange={(e) => {
          onAvatarChosen(e.target.files?.[0]);
          // The same file chosen again is a new attempt.
          e.target.value = "";
        }}
      />
      <RoutingRules appId={appId} accounts={accounts.data?.items ?? []} />
      <Modal
        open={editing !== undefined}
        title={editing === "new" ? t("kf.add") : t("kf.rename")}
        onCancel={() => setEditing(undefined)}
        onOk={() => void onSave()}
        okText={t("actions.confirm")}
        cancelText={t("actions.cancel")}
        okButtonProps={{ loading: add.isPending || rename.isPending }}
      >
        <Form form={form} layout="vertical" requiredMark={false}>
          <Form.Item
            name="account"
            label={t("kf.account")}
            extra={t("kf.accountHint")}
            rules={[{ required: true }]}
          >
            <Input disabled={editing !== "new"} placeholder="service01@gh_account" />
          </Form.Item>
          <Form.Item
            name="nickname"
            label={t("kf.nickname")}
            extra={t("kf.nicknameHint")}
            rules={[{ required: true }]}
          >
            <Input maxLength={16} />
          </Form.Item>
        </Form>
      </Modal>
    </Flex>
  );
}
