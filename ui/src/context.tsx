// React context giving components the backend (real or fake) and app-wide state.
import { createContext, useContext } from "react";
import type { Backend, SyncStatus } from "./backend/backend";

export type PageId = "home" | "check" | "report" | "tickets" | "kb" | "inventory" | "admin" | "settings" | "about";
export const PAGES: PageId[] = ["home", "check", "report", "tickets", "kb", "inventory", "admin", "settings", "about"];
/** Pages the machine's policy must grant (`userAccess().admin`): the site administration, with
 *  the scheduled agent among its tabs. */
export const ADMIN_PAGES: PageId[] = ["admin"];

/** The pages this user sees: the admin ones only when the policy grants them (not before the
 *  answer arrives either, so a plain user never sees them flash by). */
export function visiblePages(admin: boolean): PageId[] {
  return PAGES.filter((p) => admin || !ADMIN_PAGES.includes(p));
}

export interface AppContext {
  backend: Backend;
  sync: SyncStatus | null;
  navigate: (page: PageId) => void;
  /** Open the knowledge base on one article (suggestions link there). */
  openArticle: (id: string) => void;
  /** The article the knowledge-base page opens first, if one was asked for. */
  article: string | null;
  /** Open the report form with a fix-it run ticked to go with it ("Attach to a new report"). */
  reportWithFixRun: (run: number) => void;
  /** The run the report form ticks first, if one was asked for. */
  fixRun: number | null;
}

export const AppCtx = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const c = useContext(AppCtx);
  if (!c) throw new Error("useApp outside AppCtx");
  return c;
}
