import { Button, type ButtonProps, Tooltip } from "antd";
import type { Explained } from "../lib/abilities.js";

/**
 * A button for an action the server's rules may forbid: disabled with the reason in a tooltip
 * (the reason is also the button's accessible description).
 */
export function GuardedButton({ ability, ...props }: ButtonProps & { ability: Explained }) {
  if (ability.allowed) return <Button {...props} />;
  return (
    <Tooltip title={ability.reason}>
      {/* A disabled button gets no pointer events: the wrapper carries the tooltip. */}
      <span style={{ display: "inline-block" }} data-reason={ability.reason}>
        <Button {...props} disabled aria-disabled="true" aria-description={ability.reason} />
      </span>
    </Tooltip>
  );
}
