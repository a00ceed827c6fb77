import { API, ApiError } from "./client.js";

/** The refusal's `details.reason`, when a word. */
function reasonOf(details: unknown): string | undefined {
  const reason =
    details && typeof details === "object" ? (details as { reason?: unknown }).reason : undefined;
  return typeof reason === "string" ? reason : undefined;
}

/**
 * Sends a file as multipart/form-data (field `media`) with upload progress, which fetch cannot
 * report: same origin, the session cookie, the session's CSRF token; a refusal is an
 * {@link ApiError} like {@link request}'s. Kept out of client.ts so only the screens that upload
 * load it.
 */
export function upload<T>(
  path: string,
  file: File,
  fields: Readonly<Record<string, string>>,
  csrfToken: string,
  onProgress: (fraction: number) => void,
): Promise<T> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("media", file, file.name);
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", API + path);
    xhr.setRequestHeader("accept", "application/json");
    if (csrfToken) xhr.setRequestHeader("x-csrf-token", csrfToken);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () =>
      reject(new ApiError(0, "network", "the server could not be reached", undefined, undefined, undefined));
    xhr.onload = () => {
      let parsed: unknown;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        parsed = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(parsed as T);
      const error = (
        parsed as { error?: { code?: unknown; message?: unknown; details?: unknown; requestId?: unknown } }
      )?.error;
      reject(
        new ApiError(
          xhr.status,
          typeof error?.code === "string" ? error.code : "unknown",
          typeof error?.message === "string" ? error.message : xhr.statusText,
          reasonOf(error?.details),
          error?.details,
          typeof error?.requestId === "string" ? error.requestId : undefined,
        ),
      );
    };
    xhr.send(form);
  });
}
