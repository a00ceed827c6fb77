import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { setIdentityConfirmer } from "../api/client.js";

/** The dialog's code (a form, a modal) loads the first time it is needed, not with every screen. */
const IdentityConfirmationDialog = lazy(async () => ({
  default: (await import("./IdentityConfirmationDialog.js")).IdentityConfirmationDialog,
}));

/**
 * Mounted once in the signed-in frame, it answers every `confirmation_required` the API gives
 * (see `request`) by asking for the password again. Requests refused at the same time share
 * one dialog; each is sent again once the identity is confirmed.
 */
export function IdentityConfirmation() {
  const [open, setOpen] = useState(false);
  /** The answer the waiting requests get, and the promise they share. */
  const waiting = useRef<{ promise: Promise<boolean>; resolve: (confirmed: boolean) => void }>();

  useEffect(() => {
    setIdentityConfirmer(() => {
      if (!waiting.current) {
        let resolve: (confirmed: boolean) => void = () => {};
        const promise = new Promise<boolean>((done) => {
          resolve = done;
        });
        waiting.current = { promise, resolve };
        setOpen(true);
      }
      return waiting.current.promise;
    });
    return () => setIdentityConfirmer(undefined);
  }, []);

  const finish = (confirmed: boolean) => {
    waiting.current?.resolve(confirmed);
    waiting.current = undefined;
    setOpen(false);
  };

  if (!open) return null;
  return (
    <Suspense fallback={null}>
      <IdentityConfirmationDialog onFinish={finish} />
    </Suspense>
  );
}
