/**
 * errmsg texts for the codes the emulator answers. The shared table lives in
 * @wxgate/wechat's rules (`errmsgFor`); this local copy covers the codes used before that
 * table exists and stays the fallback for codes it does not know.
 */
const messages: Record<number, string> = {
  [-1]: "system error",
  0: "ok",
  40001: "invalid credential, access_token is invalid or not latest",
  40002: "invalid grant_type",
  40013: "invalid appid",
  40014: "invalid access_token",
  40125: "invalid appsecret",
  40164: "invalid ip, not in whitelist",
  41001: "access_token missing",
  41002: "appid missing",
  41004: "appsecret missing",
  42001: "access_token expired",
  43002: "require POST method",
  44002: "empty post data",
  45009: "reach max api daily quota limit",
  45011: "api minute-quota reach limit  mustslower  retry next minute",
  47001: "data format error",
  48001: "api unauthorized",
  48006: "forbid to clear quota because of reaching the limit",
  50002: "user limited",
  61003: "component is not authorized by this account",
  61004: "access clientip is not registered",
  61005: "component ticket is expired",
  61006: "component ticket is invalid",
  61007: "api is unauthorized to component",
  61011: "invalid component",
  61023: "refresh_token is invalid",
  61024: "must use api_component_token to get token for component acct",
};

/** The errmsg WeChat gives for `errcode` (without the rid suffix). */
export function errmsgText(errcode: number): string {
  return messages[errcode] ?? "system error";
}
