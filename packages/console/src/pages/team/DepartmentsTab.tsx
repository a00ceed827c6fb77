import { PlusOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Empty,
  Flex,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Tag,
} from "antd";
import { useState } from "react";
import { useAccounts } from "../../api/accounts.js";
import type { Admin } from "../../api/admins.js";
import { errorMessage } from "../../api/errors.js";
import { type Department, useDeleteDepartment, useSaveDepartment } from "../../api/team.js";
import { useSectionI18n } from "../../i18n/index.js";
import { teamDictionary } from "../../i18n/team.js";

interface Values {
  name: string;
  appIds: string[];
}

/** 分级管理员: departments (named sets of accounts) and the administrators limited to each. */
export function DepartmentsTab(props: {
  departments: Department[] | undefined;
  loading: boolean;
  error: unknown;
  users: Admin[] | undefined;
}) {
  const { t } = useSectionI18n(teamDictionary);
  const { message, modal } = App.useApp();
  const accounts = useAccounts();
  const save = useSaveDepartment();
  const remove = useDeleteDepartment();
  const [form] = Form.useForm<Values>();
  // The department being edited; `{}` for a new one.
  const [editing, setEditing] = useState<Partial<Department> | null>(null);

  const nameOf = (appId: string) => accounts.data?.find((a) => a.appId === appId)?.nickname ?? appId;
  const userOf = (id: string) => props.users?.find((u) => u.id === id)?.username ?? id;

  const columns: TableColumnsType<Department> = [
    { title: t("dept.name"), key: "name", width: 180, render: (_, d) => d.name },
    {
      title: t("dept.accounts"),
      key: "accounts",
      width: 320,
      render: (_, d) =>
        d.appIds.length === 0 ? (
          <span className="wx-muted">{t("common.none")}</span>
        ) : (
          <Flex wrap gap={4}>
            {d.appIds.map((appId) => (
              <Tag key={appId}>{nameOf(appId)}</Tag>
            ))}
          </Flex>
        ),
    },
    {
      title: t("dept.admins"),
      key: "admins",
      width: 220,
      render: (_, d) =>
        d.adminIds.length === 0 ? (
          <span className="wx-muted">{t("common.none")}</span>
        ) : (
          d.adminIds.map(userOf).join("、")
        ),
    },
    {
      title: t("fields.account.actions"),
      key: "actions",
      width: 160,
      render: (_, d) => (
        <Space size={4} wrap>
          <Button size="small" onClick={() => setEditing(d)}>
            {t("team.edit")}
          </Button>
          <Button
            size="small"
            danger
            onClick={() =>
              modal.confirm({
                title: t("dept.deleteConfirm", { name: d.name }),
                okText: t("actions.delete"),
                okButtonProps: { danger: true },
                cancelText: t("actions.cancel"),
                onOk: () =>
                  remove
                    .mutateAsync(d.id)
                    .then(() => void message.success(t("dept.deleted", { name: d.name })))
                    .catch((error: unknown) => void message.error(errorMessage(t, error))),
              })
            }
          >
            {t("actions.delete")}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="flex-start" gap={12} wrap>
        <p className="wx-muted" style={{ margin: 0, flex: "1 1 360px" }}>
          {t("dept.intro")}
        </p>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})}>
          {t("dept.create")}
        </Button>
      </Flex>
      {props.error !== null && <Alert type="error" showIcon message={errorMessage(t, props.error)} />}
      <Table<Department>
        aria-label={t("dept.list")}
        rowKey="id"
        tableLayout="fixed"
        scroll={{ x: 880 }}
        loading={props.loading}
        columns={columns}
        dataSource={props.departments ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description={t("dept.empty")} /> }}
      />
      <Modal
        open={editing !== null}
        title={editing?.id ? t("dept.editTitle", { name: editing.name ?? "" }) : t("dept.createTitle")}
        okText={t("actions.confirm")}
        cancelText={t("actions.cancel")}
        confirmLoading={save.isPending}
        onCancel={() => {
          save.reset();
          setEditing(null);
        }}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        {editing && (
          <Form<Values>
            form={form}
            layout="vertical"
            preserve={false}
            initialValues={{ name: editing.name ?? "", appIds: editing.appIds ?? [] }}
            onFinish={(values) =>
              save.mutate(
                {
                  ...(editing.id ? { id: editing.id } : {}),
                  name: values.name.trim(),
                  appIds: values.appIds,
                },
                {
                  onSuccess: (saved) => {
                    setEditing(null);
                    save.reset();
                    void message.success(t("dept.saved", { name: saved.name }));
                  },
                },
              )
            }
          >
            <Form.Item
              name="name"
              label={t("dept.name")}
              rules={[
                {
                  required: true,
                  whitespace: true,
                  message: t("pages.signIn.required", { field: t("dept.name") }),
                },
              ]}
            >
              <Input maxLength={64} autoComplete="off" />
            </Form.Item>
            <Form.Item name="appIds" label={t("dept.accounts")}>
              <Select
                mode="multiple"
                loading={accounts.isPending}
                optionFilterProp="label"
                options={(accounts.data ?? []).map((a) => ({ value: a.appId, label: a.nickname }))}
              />
            </Form.Item>
          </Form>
        )}
        {save.isError && <Alert type="error" showIcon message={errorMessage(t, save.error)} />}
      </Modal>
    </Flex>
  );
}
