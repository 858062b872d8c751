import { waitFor } from '../support/poll';
import { startTrailServices, type TrailServices } from '../support/trail-services';

interface EventView {
  id: string;
  type: string;
  workspace: string | null;
  actor: { id: string };
  changes: Array<{ field: string; to?: unknown }>;
}

/**
 * Investigations stay private: an admin's read of a workspace is recorded in the global trail,
 * which only admins see, not in the workspace's own, which its owner reads. Against the real
 * gateway, audit-ingest and broker.
 */
describe("an admin's reads stay out of the investigated workspace's trail", () => {
  let services: TrailServices;

  beforeAll(async () => {
    services = await startTrailServices('investigations', { ownedWorkspace: 'ws-x' });
  });
  afterAll(() => services?.stop());

  const read = async (path: string, who: 'admin' | 'owner'): Promise<EventView[]> => {
    const { gateway, tokens } = services;
    const response = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${tokens[who]}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { events: EventView[] }).events;
  };
  const viewsBy = (events: EventView[], actor: string) =>
    events.filter((e) => e.type === 'meshtrail.auditlog.viewed' && e.actor.id === actor);

  it("records the admin's read globally, where the owner cannot see it, and the owner's own read in the workspace", async () => {
    await read('/api/v1/workspaces/ws-x/events', 'admin');
    await read('/api/v1/workspaces/ws-x/events', 'owner');

    // the owner's own read arrives in the workspace: by then the admin's, published first, is stored too
    const ownerSees = await waitFor('the owner to see their own read in the workspace', async () => {
      const events = await read('/api/v1/workspaces/ws-x/events?limit=1000', 'owner');
      return viewsBy(events, 'u-owner').length > 0 && events;
    });
    await waitFor(
      'the admin read stored',
      async () =>
        (await services.stack.query(`SELECT 1 FROM audit_event_search WHERE actor_id = 'u-admin'`)).length > 0,
    );
    const afterwards = await read('/api/v1/workspaces/ws-x/events?limit=1000', 'owner');
    expect(viewsBy(ownerSees, 'u-admin')).toEqual([]);
    expect(viewsBy(afterwards, 'u-admin')).toEqual([]);
    expect(viewsBy(afterwards, 'u-owner')[0].workspace).toBe('ws-x');

    // the admin finds it among the global events, naming the workspace read
    const global = await read('/api/v1/events?limit=1000', 'admin');
    const [adminRead] = viewsBy(global, 'u-admin');
    expect(adminRead.workspace).toBeNull();
    expect(adminRead.changes).toContainEqual({ field: 'workspace', to: 'ws-x' });
  });
});
