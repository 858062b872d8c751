import fc from 'fast-check';
import { pathOf, routeOf, type Route } from './routes';

describe('the page routes', () => {
  it('reads the areas from the address', () => {
    expect(routeOf('/ui/')).toEqual({ area: 'home' });
    expect(routeOf('/ui/admin/compliance/event-logs')).toEqual({ area: 'admin', page: 'event-logs' });
    expect(routeOf('/ui/admin/access-logs')).toEqual({ area: 'admin', page: 'other', path: 'access-logs' });
    expect(routeOf('/ui/workspaces/ws%201/compliance/event-logs')).toEqual({
      area: 'workspace',
      workspace: 'ws 1',
      page: 'event-logs',
    });
    expect(routeOf('/ui/workspaces/%E0%A4%A/compliance/event-logs')).toEqual({
      area: 'unknown',
      path: 'workspaces/%E0%A4%A/compliance/event-logs',
    });
    expect(routeOf('/ui/nowhere/at/all')).toEqual({ area: 'unknown', path: 'nowhere/at/all' });
  });

  it('writes every workspace route so that it reads back the same', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (workspace) => {
        const route: Route = { area: 'workspace', workspace, page: 'event-logs' };
        expect(routeOf(pathOf(route))).toEqual(route);
      }),
    );
  });
});
