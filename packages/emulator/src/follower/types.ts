import type { PushResult } from "../push/types.js";
import type { InboxItem } from "../world/types.js";

/** Who acts: an existing follower by OpenID, or a person (same personId → same UnionID across the principal's accounts). */
export interface FollowerRef {
  appId: string;
  openId?: string;
  personId?: string;
}

export interface FollowInput extends FollowerRef {
  /** For a new follower. */
  nickname?: string;
}

export interface ScanInput extends FollowInput {
  /** A ticket from /cgi-bin/qrcode/create (looked up in the world). */
  ticket?: string;
  /** Or a bare scene (scene_id or scene_str), when no QR code was created. */
  scene?: string | number;
}

export interface SubscriptionAnswer {
  templateId: string;
  accept: boolean;
}

/** What every follower action returns. */
export interface FollowerActionResult {
  openId: string;
  unionId?: string;
  subscribed: boolean;
  /** The plaintext XML pushed. */
  xml: string;
  /** How the push went, with the passive reply when there was one. */
  push: PushResult;
}

/** `control.follower`: act as a WeChat user. */
export interface FollowerControl {
  /** Follows the account (subscribe event). A new person gets a new OpenID (and the principal's UnionID). */
  follow(input: FollowInput): Promise<FollowerActionResult>;
  /** Scans a parametric QR code: subscribe with `qrscene_<scene>` when not following, SCAN when already following. */
  scan(input: ScanInput): Promise<FollowerActionResult>;
  unfollow(ref: FollowerRef): Promise<FollowerActionResult>;
  sendText(ref: FollowerRef, content: string): Promise<FollowerActionResult>;
  sendImage(ref: FollowerRef, image?: { picUrl?: string; mediaId?: string }): Promise<FollowerActionResult>;
  sendLocation(
    ref: FollowerRef,
    location: { latitude: number; longitude: number; scale?: number; label?: string },
  ): Promise<FollowerActionResult>;
  /** Clicks a `click` menu button (CLICK with its key). */
  clickMenu(ref: FollowerRef, key: string): Promise<FollowerActionResult>;
  /** Opens a `view` menu button (VIEW with its URL). */
  openMenuUrl(ref: FollowerRef, url: string, menuId?: string): Promise<FollowerActionResult>;
  /** Opens a `miniprogram` menu button (view_miniprogram with the page path). */
  openMenuMiniProgram(ref: FollowerRef, pagePath: string, menuId?: string): Promise<FollowerActionResult>;
  /** Answers a subscription-message pop-up; each accept grants one message of that template. */
  answerSubscription(
    ref: FollowerRef,
    answers: SubscriptionAnswer[],
    popupScene?: string,
  ): Promise<FollowerActionResult>;
  /**
   * Changes the subscription settings (subscribe_msg_change_event): a rejection takes back the
   * template's consent; an acceptance restores a long-term one.
   */
  changeSubscription(ref: FollowerRef, answers: SubscriptionAnswer[]): Promise<FollowerActionResult>;
  /** What the follower received (passive replies, customer-service, template, mass messages…). */
  inbox(ref: FollowerRef): InboxItem[];
}

declare module "../control/control.js" {
  interface EmulatorControlExtensions {
    follower: FollowerControl;
  }
}
