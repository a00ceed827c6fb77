import { expect } from "vitest";
import { mediaSamples } from "../../../emulator/src/apis/media-samples.js";
import { buttonShowing, tick, type WatchedPage } from "./browser.js";
import type { RunningServer } from "./server.js";

/**
 * Uploads a permanent image on the account's materials screen, as an operator does, and returns
 * its media_id and WeChat address as the materials API lists them.
 */
export async function uploadPermanentImage(
  watched: WatchedPage,
  server: RunningServer,
  appId: string,
  name: string,
): Promise<{ mediaId: string; url: string }> {
  const { page } = watched;
  await watched.goto(`/accounts/${appId}/materials`);
  await page.getByRole("heading", { level: 1, name: "素材管理" }).waitFor();
  await buttonShowing(page, /^上\s?传$/).click();
  const upload = page.getByRole("dialog");
  await tick(page, upload.getByLabel("永久"));
  await upload
    .getByLabel("文件")
    .setInputFiles({ name, mimeType: "image/png", buffer: mediaSamples.png(4096) });
  await upload.getByRole("button", { name: /^上\s?传$/ }).click();
  await page.getByText(`已上传“${name}”。`).waitFor();
  const listed = await server.api<{ items: { mediaId: string; name: string; url: string | null }[] }>(
    "GET",
    `/accounts/${appId}/materials?type=image`,
  );
  const image = listed.body.items.find((i) => i.name === name);
  expect(image?.mediaId).toBeTruthy();
  expect(image?.url).toMatch(/^https?:\/\//);
  return { mediaId: image?.mediaId ?? "", url: image?.url ?? "" };
}
