/**
 * The tags of a follower, for routing by tag. The followers module will provide it; until it is
 * wired, {@link noFollowerTags} makes tag rules match no one.
 */
export interface FollowerTags {
  tagIdsOf(appId: string, openId: string): Promise<readonly number[]>;
}

export const noFollowerTags: FollowerTags = { tagIdsOf: async () => [] };

/** What routing is asked: who wrote, with which words, or which menu key they clicked. */
export interface RoutingQuestion {
  appid: string;
  openid: string;
  /** The text of the user's message. */
  keyword?: string;
  /** The EventKey of a CLICK. */
  menuKey?: string;
}

/**
 * Picks the customer-service account a `transfer_customer_service` reply names
 * (`TransInfo/KfAccount`), or undefined to let WeChat choose.
 */
export type KfRouter = (question: RoutingQuestion) => Promise<string | undefined>;
