import QRCode from "qrcode";

/** `data:image/png;base64,…` of a QR code of `text`: what the page shows beside a link for phones. */
export function qrCodeImage(text: string): Promise<string> {
  return QRCode.toDataURL(text, { errorCorrectionLevel: "M", margin: 1, width: 256 });
}
