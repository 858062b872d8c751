import type { AdminPage } from '../pages/view-context';
import { accessLogsPage } from './access-logs-page';
import { apiKeysPage } from './api-keys-page';
import { legalHoldsPage } from './legal-holds-page';
import { retentionPage } from './retention-page';
import { telemetryPage } from './telemetry-page';

/** The Admin Area's pages besides Compliance > Event Logs, in navigation order. */
export const ADMIN_PAGES: readonly AdminPage[] = [
  accessLogsPage,
  retentionPage,
  legalHoldsPage,
  apiKeysPage,
  telemetryPage,
];
