// React context giving components the backend (real or fake) and app-wide state.
import { createContext, useContext } from "react";
import type { Backend, SyncStatus } from "./backend/backend";

export type PageId = "home" | "report" | "tickets" | "kb" | "inventory" | "admin" | "settings" | "about";
export const PAGES: PageId[] = ["home", "report", "tickets", "kb", "inventory", "admin", "settings", "about"];

export interface AppContext {
  backend: Backend;
  sync: SyncStatus | null;
  navigate: (page: PageId) => void;
}

export const AppCtx = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const c = useContext(AppCtx);
  if (!c) throw new Error("useApp outside AppCtx");
  return c;
}
