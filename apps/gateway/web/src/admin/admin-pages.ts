import type { AdminPage } from '../pages/view-context';

/** The Admin Area's pages besides Compliance > Event Logs, in navigation order. */
export const ADMIN_PAGES: readonly AdminPage[] = [];
