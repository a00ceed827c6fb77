import { Flex, Tabs } from "antd";
import { useEffect } from "react";
import { useSearchParams } from "react-router";
import { useAdmins } from "../../api/admins.js";
import { mayTake, useWhoami } from "../../api/session.js";
import { useDepartments } from "../../api/team.js";
import { useSectionI18n } from "../../i18n/index.js";
import { teamDictionary } from "../../i18n/team.js";
import { DepartmentsTab } from "./DepartmentsTab.js";
import { UsersTab } from "./UsersTab.js";

/** 团队: the users who sign in and their roles; the departments administrators are limited to. */
export function TeamPage() {
  const { t } = useSectionI18n(teamDictionary);
  const who = useWhoami();
  const [params, setParams] = useSearchParams();
  const withDepartments = mayTake(who.data, "team.departments.manage");
  const departments = useDepartments(withDepartments);
  const users = useAdmins();
  const tab = params.get("tab") === "departments" && withDepartments ? "departments" : "users";

  useEffect(() => {
    document.title = `${t("menu.team")} · ${t("app.name")}`;
  }, [t]);

  const shown = withDepartments ? departments.data : undefined;
  return (
    <Flex vertical gap={8}>
      <div>
        <h1 className="wx-title">{t("menu.team")}</h1>
        <p className="wx-muted" style={{ margin: 0 }}>
          {t("team.intro")}
        </p>
      </div>
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === "users" ? {} : { tab: key }, { replace: true })}
        items={[
          { key: "users", label: t("team.tab.users"), children: <UsersTab departments={shown} /> },
          ...(withDepartments
            ? [
                {
                  key: "departments",
                  label: t("team.tab.departments"),
                  children: (
                    <DepartmentsTab
                      departments={departments.data}
                      loading={departments.isPending}
                      error={departments.error}
                      users={users.data}
                    />
                  ),
                },
              ]
            : []),
        ]}
      />
    </Flex>
  );
}
