import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { PermissionSet } from "./accounts.js";
import { request } from "./client.js";

export interface MinimumPermissionSets {
  official: PermissionSet[];
  miniprogram: PermissionSet[];
}

export const settingsKeys = { minimum: ["settings", "minimum-permission-sets"] as const };

export function useMinimumPermissionSets() {
  return useQuery({
    queryKey: settingsKeys.minimum,
    queryFn: () => request<MinimumPermissionSets>("GET", "/settings/minimum-permission-sets"),
  });
}

export function useSetMinimumPermissionSets() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { official: number[]; miniprogram: number[] }) =>
      request<MinimumPermissionSets>("PUT", "/settings/minimum-permission-sets", input),
    onSuccess: (saved) => client.setQueryData(settingsKeys.minimum, saved),
    // Accounts' enable checks depend on the setting.
    onSettled: () => client.invalidateQueries({ queryKey: ["accounts"] }),
  });
}
