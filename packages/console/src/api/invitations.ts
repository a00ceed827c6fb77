import { useQuery } from "@tanstack/react-query";
import { request } from "./client.js";

/**
 * The signed-in user's invitations, apart from the rest of the team's calls: the header
 * counts them on every screen, so this stays small.
 */
export interface Invitation {
  appId: string;
  kind: "long_term" | "short_term";
  switches: string[];
  invitedAt: number;
  invitedBy: string | null;
}

export const invitationKeys = { all: ["invitations"] as const };

/** The signed-in user's invitations waiting for an answer. */
export function useInvitations(enabled = true) {
  return useQuery({
    queryKey: invitationKeys.all,
    queryFn: async () => (await request<{ items: Invitation[] }>("GET", "/invitations")).items,
    enabled,
    staleTime: 30_000,
  });
}
