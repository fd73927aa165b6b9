// Files being attached to a report or a reply: added through the picker, dropped on the window,
// or a screenshot; each is copied into the local store at once. Failures go to `onError`.
import { useCallback, useEffect, useState } from "react";
import type { AttachmentDraft, Backend } from "../backend/backend";

export function useFileDrafts(backend: Backend, onError: (e: unknown) => void) {
  const [files, setFiles] = useState<AttachmentDraft[]>([]);

  const run = useCallback(
    async (get: () => Promise<AttachmentDraft[]>) => {
      onError(null);
      try {
        const more = await get();
        setFiles((f) => [...f, ...more]);
      } catch (e) {
        onError(e);
      }
    },
    [onError],
  );
  /** The picker when `paths` is empty, else these paths. */
  const add = useCallback((paths: string[]) => run(() => backend.attachmentAdd(paths)), [backend, run]);
  const screenshot = useCallback(() => run(async () => [await backend.attachmentScreenshot(true)]), [backend, run]);

  useEffect(() => {
    let stop: (() => void) | undefined;
    backend.onFileDrop((paths) => add(paths)).then((u) => (stop = u));
    return () => stop?.();
  }, [backend, add]);

  return { files, setFiles, add, screenshot };
}
