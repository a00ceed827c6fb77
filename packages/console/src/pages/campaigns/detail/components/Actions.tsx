import { App, Button, Flex, Input } from "antd";
import { useNavigate } from "react-router";
import {
  type Campaign,
  type CampaignAbility,
  type CampaignCommand,
  useCampaignCommand,
  useDeleteCampaign,
} from "../../../../api/campaigns.js";
import { mayTake, useWhoami } from "../../../../api/session.js";
import type { CampaignsTranslate } from "../../../../i18n/campaigns.js";
import { campaignError } from "../../shared.js";

/** What the campaign needs to show a command: the ability the server grants, and the user's switch. */
const COMMANDS: { command: CampaignCommand; ability: CampaignAbility; action: string; danger?: boolean }[] = [
  { command: "approve", ability: "approve", action: "campaigns.approve" },
  { command: "reject", ability: "approve", action: "campaigns.approve", danger: true },
  { command: "pause", ability: "pause", action: "campaigns.send" },
  { command: "resume", ability: "resume", action: "campaigns.send" },
  { command: "cancel", ability: "cancel", action: "campaigns.send", danger: true },
];

/**
 * The campaign's commands the user may take now: the campaign's `abilities` say what its state
 * allows, the user's switches what they may do. Each asks first.
 */
export function Actions({ t, campaign }: { t: CampaignsTranslate; campaign: Campaign }) {
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const who = useWhoami();
  const command = useCampaignCommand(campaign.id);
  const remove = useDeleteCampaign(campaign.appId);
  const may = (action: string) => mayTake(who.data, action, campaign.appId);
  const editable = campaign.abilities.includes("edit") && may("campaigns.create");

  const run = (which: CampaignCommand, danger: boolean | undefined) => {
    let reason = "";
    modal.confirm({
      title: t(`camp.confirm.${which}`, { name: campaign.name }),
      content:
        which === "reject" ? (
          <Input.TextArea
            aria-label={t("camp.rejectReason")}
            placeholder={t("camp.rejectReason")}
            onChange={(e) => {
              reason = e.target.value;
            }}
          />
        ) : undefined,
      okText: t(`camp.${which}`),
      okButtonProps: danger ? { danger: true } : {},
      cancelText: t("camp.keep"),
      onOk: () =>
        command
          .mutateAsync(reason.trim() ? { command: which, reason: reason.trim() } : { command: which })
          .then(() => void message.success(t(`camp.done.${which}`)))
          .catch((error: unknown) => void message.error(campaignError(t, error))),
    });
  };
  const onDelete = () =>
    modal.confirm({
      title: t("camp.deleteConfirm", { name: campaign.name }),
      okText: t("camp.delete"),
      okButtonProps: { danger: true },
      cancelText: t("camp.keep"),
      onOk: () =>
        remove
          .mutateAsync(campaign.id)
          .then(() => {
            void message.success(t("camp.deleted"));
            navigate(`/accounts/${encodeURIComponent(campaign.appId)}/campaigns`);
          })
          .catch((error: unknown) => void message.error(campaignError(t, error))),
    });

  const shown = COMMANDS.filter((c) => campaign.abilities.includes(c.ability) && may(c.action));
  if (shown.length === 0 && !editable) return null;
  return (
    <Flex gap={8} wrap>
      {editable && (
        <Button onClick={() => navigate(`/campaigns/${encodeURIComponent(campaign.id)}/edit`)}>
          {t("camp.edit")}
        </Button>
      )}
      {shown.map((c) => (
        <Button key={c.command} danger={c.danger} onClick={() => run(c.command, c.danger)}>
          {t(`camp.${c.command}`)}
        </Button>
      ))}
      {editable && (
        <Button danger onClick={onDelete}>
          {t("camp.delete")}
        </Button>
      )}
    </Flex>
  );
}
