import { Button, type ButtonProps, Tooltip } from "antd";
import { useI18n } from "../i18n/index.js";
import type { Ability } from "../lib/abilities.js";

/**
 * A button for an action a rule may forbid: disabled with the reason in a tooltip (the reason
 * is also the button's accessible description).
 */
export function GuardedButton({ ability, ...props }: ButtonProps & { ability: Ability }) {
  const { t } = useI18n();
  if (ability.allowed) return <Button {...props} />;
  const reason = ability.reason ? t(ability.reason.key, ability.reason.vars) : "";
  return (
    <Tooltip title={reason}>
      {/* A disabled button gets no pointer events: the wrapper carries the tooltip. */}
      <span style={{ display: "inline-block" }} data-reason={reason}>
        <Button {...props} disabled aria-disabled="true" aria-description={reason} />
      </span>
    </Tooltip>
  );
}
