import { definePolicy } from "../platform/policy.js";

/**
 * Custom menus (自定义菜单): an operator needs the account's "menus" switch for either. No
 * existing API-key scope grants them (a key made before menus existed gains nothing): `admin` does.
 */
export const menusPolicy = definePolicy("menus", {
  "menus.read": {
    summary: "See an account's menu draft, its live menus, the publication history and tap counts",
    scopes: [],
    switch: "menus",
  },
  "menus.publish": {
    summary: "Edit the draft, publish, restore or delete an account's menus, conditional ones included",
    scopes: [],
    switch: "menus",
  },
});

/** This module's actions, by name. */
export type MenusAction = keyof typeof menusPolicy.actions;

declare module "../platform/policy.js" {
  interface Actions extends Record<MenusAction, true> {}
}
