// My tickets: the list (status, unread replies), a ticket's thread with its files (saved through
// a dialog), and a reply with files (picker, drag and drop, screenshot).
import { useEffect, useState, type FormEvent } from "react";
import type { AttachmentDraft, TicketSummary, TicketThread } from "../backend/backend";
import { ErrorNote, PendingFiles, Status } from "../components/common";
import { useApp } from "../context";
import { useFileDrafts } from "../hooks/useFileDrafts";
import { useI18n } from "../i18n";

export function Tickets() {
  const { t } = useI18n();
  const { backend, navigate } = useApp();
  const [list, setList] = useState<TicketSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<string | null>(null);

  const reload = () => backend.ticketList().then(setList, setError);
  useEffect(() => {
    reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [backend]);

  if (open) return <Thread id={open} onBack={() => { setOpen(null); reload(); }} />;

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {t("tickets.title")}
      </h1>
      {error ? <ErrorNote error={error} /> : null}
      {!list && !error ? <p role="status">{t("common.loading")}</p> : null}
      {list && list.length === 0 ? (
        <div>
          <p>{t("tickets.empty")}</p>
          <button type="button" className="btn btn-primary" onClick={() => navigate("report")}>
            {t("home.report")}
          </button>
        </div>
      ) : null}
      {list && list.length > 0 ? <TicketTable list={list} onOpen={setOpen} /> : null}
    </section>
  );
}

function TicketTable({ list, onOpen }: { list: TicketSummary[]; onOpen: (id: string) => void }) {
  const i = useI18n();
  const { t } = i;
  return (
    <table className="table" id="ticket-list">
      <caption className="sr-only">{t("tickets.title")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("tickets.colTitle")}</th>
          <th scope="col">{t("tickets.colStatus")}</th>
          <th scope="col">{t("tickets.colUpdated")}</th>
          <th scope="col">{t("tickets.colUnread")}</th>
        </tr>
      </thead>
      <tbody>
        {list.map((tk) => (
          <tr key={tk.id}>
            <td>
              <button type="button" className="link" onClick={() => onOpen(tk.id)}>
                {tk.title}
              </button>
              {tk.remote_ref ? <span className="muted"> {tk.remote_ref}</span> : null}
            </td>
            <td>
              <span className={`badge badge-${tk.status}`}>{t(`status.${tk.status}`)}</span>
            </td>
            <td>{i.date(tk.updated_at)}</td>
            <td>{tk.unread > 0 ? <span className="badge badge-unread">{t("tickets.unread", { n: tk.unread })}</span> : null}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Thread({ id, onBack }: { id: string; onBack: () => void }) {
  const i = useI18n();
  const { t } = i;
  const { backend } = useApp();
  const [thread, setThread] = useState<TicketThread | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [body, setBody] = useState("");
  const [sentNote, setSentNote] = useState(false);
  const [savedTo, setSavedTo] = useState<string | null>(null);
  // Files dropped on the window while a thread is open go to the reply.
  const { files, setFiles, add, screenshot } = useFileDrafts(backend, setError);

  useEffect(() => {
    backend.ticketThread(id).then(setThread, setError);
  }, [backend, id]);

  const save = async (a: AttachmentDraft) => {
    setError(null);
    setSavedTo(null);
    try {
      setSavedTo(await backend.attachmentSave(a.blob, a.name));
    } catch (e) {
      setError(e);
    }
  };

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!body.trim() || !thread) return;
    try {
      const m = await backend.ticketReply(id, body, files);
      setThread({ ...thread, messages: [...thread.messages, m] });
      setBody("");
      setFiles([]);
      setSentNote(true);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="page-title">
      <button type="button" className="btn btn-ghost" onClick={onBack}>
        {t("common.back")}
      </button>
      <h1 id="page-title" tabIndex={-1}>
        {thread?.ticket.title ?? t("tickets.title")}
      </h1>
      {error ? <ErrorNote error={error} /> : null}
      {thread ? (
        <>
          <p>
            <span className={`badge badge-${thread.ticket.status}`}>{t(`status.${thread.ticket.status}`)}</span>
          </p>
          <ol className="thread">
            {thread.messages.map((m, idx) => (
              <li key={idx} className={m.from_me ? "msg msg-me" : "msg"}>
                <p className="msg-head">
                  <strong>{m.from_me ? t("tickets.me") : m.author}</strong> · {i.date(m.at)}
                  {m.queued ? <span className="badge badge-queued">{t("status.queued")}</span> : null}
                </p>
                <p className="msg-body">{m.body}</p>
                {m.attachments.length ? (
                  <ul className="attachments" aria-label={t("tickets.files")}>
                    {m.attachments.map((a, j) => (
                      <li key={`${a.blob}-${j}`}>
                        <span>
                          {a.name} ({i.bytes(a.size_bytes)})
                        </span>
                        {a.blob ? (
                          <button type="button" className="btn btn-small" aria-label={t("tickets.saveFile", { name: a.name })} onClick={() => save(a)}>
                            {t("tickets.save")}
                          </button>
                        ) : (
                          <span className="muted">{t("tickets.notDownloaded")}</span>
                        )}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ol>
          <form onSubmit={send} className="form">
            <div className="field">
              <label htmlFor="reply-body">{t("tickets.reply")}</label>
              <textarea id="reply-body" rows={4} value={body} onChange={(e) => setBody(e.target.value)} />
            </div>
            <div className="actions">
              <button type="button" className="btn" id="reply-attach" onClick={() => add([])}>
                {t("report.addFiles")}
              </button>
              <button type="button" className="btn" id="reply-screenshot" onClick={screenshot}>
                {t("report.screenshot")}
              </button>
            </div>
            <PendingFiles files={files} label={t("tickets.replyFiles")} onChange={setFiles} />
            <div className="actions">
              <button type="submit" className="btn btn-primary" disabled={!body.trim()}>
                {t("tickets.send")}
              </button>
            </div>
            {sentNote ? <Status tone="ok">{t("tickets.replyQueued")}</Status> : null}
            {savedTo ? <Status tone="ok">{t("tickets.savedTo", { path: savedTo })}</Status> : null}
          </form>
        </>
      ) : null}
    </section>
  );
}
