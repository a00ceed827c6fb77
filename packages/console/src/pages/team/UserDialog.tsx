import { Alert, Form, Input, Modal, Radio, Select } from "antd";
import { useState } from "react";
import type { Admin, GivenRole } from "../../api/admins.js";
import { useUpdateAdmin } from "../../api/admins.js";
import { errorMessage } from "../../api/errors.js";
import { type Department, useAssignDepartment } from "../../api/team.js";
import { useSectionI18n } from "../../i18n/index.js";
import { teamDictionary } from "../../i18n/team.js";
import { reasonText } from "../../lib/abilities.js";

interface Values {
  displayName: string;
  email: string;
  role: GivenRole;
  departmentId: string;
}

const NO_DEPARTMENT = "";

/**
 * Changes a user: display name, e-mail, role (not the owner's nor one's own: the server's
 * `changeAccess`), and an administrator's department when departments are the caller's to set.
 */
export function UserDialog(props: {
  user: Admin | null;
  departments: Department[] | undefined;
  onClose(saved: string | null): void;
}) {
  const { t } = useSectionI18n(teamDictionary);
  const [form] = Form.useForm<Values>();
  const update = useUpdateAdmin();
  const assign = useAssignDepartment();
  const [failure, setFailure] = useState<unknown>(null);
  const user = props.user;
  const role = Form.useWatch("role", form);
  const current = props.departments?.find((d) => user && d.adminIds.includes(user.id));
  const canChangeRole = user?.abilities.changeAccess.allowed === true;

  const save = async (values: Values) => {
    if (!user) return;
    setFailure(null);
    try {
      await update.mutateAsync({
        id: user.id,
        displayName: values.displayName.trim() || null,
        email: values.email.trim() || null,
        ...(canChangeRole && values.role !== user.role ? { role: values.role } : {}),
      });
      const departmentId = values.departmentId || null;
      if (props.departments && values.role === "admin" && departmentId !== (current?.id ?? null)) {
        await assign.mutateAsync({ userId: user.id, departmentId });
      }
      props.onClose(user.username);
    } catch (error) {
      setFailure(error);
    }
  };

  return (
    <Modal
      open={user !== null}
      title={t("team.editTitle", { name: user?.username ?? "" })}
      okText={t("actions.confirm")}
      cancelText={t("actions.cancel")}
      confirmLoading={update.isPending || assign.isPending}
      onCancel={() => props.onClose(null)}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      {user && (
        <Form<Values>
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{
            displayName: user.displayName ?? "",
            email: user.email ?? "",
            role: user.role === "member" ? "member" : "admin",
            departmentId: current?.id ?? NO_DEPARTMENT,
          }}
          onFinish={(values) => void save(values)}
        >
          <Form.Item name="displayName" label={t("team.displayName")}>
            <Input maxLength={64} autoComplete="off" />
          </Form.Item>
          <Form.Item
            name="email"
            label={t("team.email")}
            rules={[{ type: "email", message: t("team.emailInvalid") }]}
          >
            <Input maxLength={254} autoComplete="off" />
          </Form.Item>
          {user.role !== "owner" && (
            <Form.Item
              name="role"
              label={t("team.role")}
              extra={canChangeRole ? t("team.roleHint") : reasonText(t, user.abilities.changeAccess.reason)}
            >
              <Radio.Group
                disabled={!canChangeRole}
                options={[
                  { value: "admin", label: t("team.role.admin") },
                  { value: "member", label: t("team.role.member") },
                ]}
              />
            </Form.Item>
          )}
          {props.departments && role === "admin" && user.role !== "owner" && (
            <Form.Item name="departmentId" label={t("dept.assignLabel", { name: user.username })}>
              <Select
                options={[
                  { value: NO_DEPARTMENT, label: t("dept.none") },
                  ...props.departments.map((d) => ({ value: d.id, label: d.name })),
                ]}
              />
            </Form.Item>
          )}
        </Form>
      )}
      {failure !== null && <Alert type="error" showIcon message={errorMessage(t, failure)} />}
    </Modal>
  );
}
