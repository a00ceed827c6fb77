import { definePolicy } from "../platform/policy.js";

/** Followers (粉丝) and their tags. An operator takes them with the `followers` switch. */
export const followersPolicy = definePolicy("followers", {
  "followers.read": {
    summary: "See an account's followers, their tags and the sync's progress",
    scopes: ["accounts:read", "accounts:write"],
    switch: "followers",
  },
  "followers.sync": {
    summary: "Start a sync of an account's followers from WeChat",
    scopes: ["accounts:write"],
    switch: "followers",
  },
  "followers.update": {
    summary: "Set a follower's remark (备注名) on WeChat",
    scopes: ["accounts:write"],
    switch: "followers",
  },
  "followers.tags.manage": {
    summary: "Create, rename and delete tags; tag and untag followers",
    scopes: ["accounts:write"],
    switch: "followers",
  },
});

/** This module's actions, by name. */
export type FollowersAction = keyof typeof followersPolicy.actions;

declare module "../platform/policy.js" {
  interface Actions extends Record<FollowersAction, true> {}
}
