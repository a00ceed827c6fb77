import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { query, request } from "./client.js";

export interface Webhook {
  id: string;
  name: string;
  url: string;
  events: string[];
  accounts: string[];
  forwardOriginal: boolean;
  reply: boolean;
  enabled: boolean;
  maxAttempts: number;
  createdAt: number;
  updatedAt: number;
}

export type DeliveryStatus = "pending" | "delivered" | "failed" | "skipped";

export interface Delivery {
  id: string;
  webhookId: string;
  eventId: string;
  appId: string;
  kind: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: number | null;
  deliveredAt: number | null;
  createdAt: number;
}

export const webhookKeys = {
  all: ["webhooks"] as const,
  list: () => ["webhooks", "list"] as const,
  deliveries: (id: string, status: string) => ["webhooks", "deliveries", id, status] as const,
};

export function useWebhooks() {
  return useQuery({
    queryKey: webhookKeys.list(),
    queryFn: async () => (await request<{ items: Webhook[] }>("GET", "/webhooks")).items,
  });
}

export function useDeliveries(id: string, status: string, cursor: string | undefined) {
  return useQuery({
    queryKey: [...webhookKeys.deliveries(id, status), cursor ?? ""],
    queryFn: () =>
      request<{ items: Delivery[]; nextCursor: string | null }>(
        "GET",
        `/webhooks/${encodeURIComponent(id)}/deliveries${query({ status: status || undefined, cursor, limit: 10 })}`,
      ),
    placeholderData: keepPreviousData,
  });
}

function useWebhookMutation<TInput, TResult>(run: (input: TInput) => Promise<TResult>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () => client.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export const useCreateWebhook = () =>
  useWebhookMutation((input: { name: string; url: string; events?: string[]; accounts?: string[] }) =>
    request<Webhook & { secret: string }>("POST", "/webhooks", input),
  );
export const useSetWebhookEnabled = () =>
  useWebhookMutation((input: { id: string; enabled: boolean }) =>
    request<Webhook>("PATCH", `/webhooks/${encodeURIComponent(input.id)}`, { enabled: input.enabled }),
  );
export const useDeleteWebhook = () =>
  useWebhookMutation((id: string) => request<void>("DELETE", `/webhooks/${encodeURIComponent(id)}`));
export const useRetryDelivery = () =>
  useWebhookMutation((input: { webhookId: string; deliveryId: string }) =>
    request<Delivery>(
      "POST",
      `/webhooks/${encodeURIComponent(input.webhookId)}/deliveries/${encodeURIComponent(input.deliveryId)}/retry`,
    ),
  );
