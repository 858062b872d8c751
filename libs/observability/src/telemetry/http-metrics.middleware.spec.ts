import { httpMetricAttributes, routeTemplate } from './http-metrics.middleware';

describe('HTTP metric attributes', () => {
  it('use the matched route template, never the raw path', () => {
    const req = { route: { path: '/api/v1/events/:id' }, baseUrl: '', method: 'GET' };
    expect(httpMetricAttributes(req, 200)).toEqual({
      'http.route': '/api/v1/events/:id',
      'http.request.method': 'GET',
      'http.response.status_code': 200,
    });
  });

  it('give requests that matched no route (or only the middleware mount) one shared value', () => {
    const mount = { path: '/{*path}' };
    expect(routeTemplate({ route: undefined, baseUrl: '' })).toBe('unmatched');
    expect(routeTemplate({ route: mount, baseUrl: '' }, mount)).toBe('unmatched');
  });

  it('fold unknown methods into _OTHER so a client cannot mint label values', () => {
    expect(httpMetricAttributes({ route: undefined, baseUrl: '', method: 'X-WORKSPACE-ACME' }, 404)).toMatchObject({
      'http.request.method': '_OTHER',
    });
  });
});
