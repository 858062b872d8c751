import type { Me } from '../api/http';

/** What every view of the page is given: who is signed in, and their token while the session lasts. */
export interface ViewContext {
  me: Me;
  /** The access token; undefined once the session has ended. */
  token(): string | undefined;
  /** The token was refused (expired, revoked): back to the sign-in, with this message. */
  expired(message: string): void;
}

/** A page of the Admin Area, at /ui/admin/<path>, listed in the area's navigation. */
export interface AdminPage {
  /** Its address under /ui/admin/ ("access-logs"). */
  path: string;
  /** Its name in the navigation and its heading. */
  title: string;
  /** Builds the page into `container` (empty, labelled by the heading) and loads its data. */
  render(container: HTMLElement, context: ViewContext): void;
}
