import fc from 'fast-check';
import {
  apiParamsFor,
  columnOfParameter,
  eventColumnParams,
  filtersFromSearch,
  objectTypeOf,
  searchFromFilters,
  TYPE_CHOICES,
  typeChoiceOf,
} from './column-filters';

describe('column filters → query API parameters', () => {
  it("the project's name in Event and created in Type", () => {
    expect(apiParamsFor({ event: 'payments-prod', type: 'created' })).toEqual({
      objectName: 'payments-prod',
      action: 'created',
    });
  });

  it("a user's name in Change, the workspace in Workspace and remove in Type", () => {
    expect(apiParamsFor({ change: 'jane@example.com', workspace: 'ws-1', type: 'remove' })).toEqual({
      change: 'jane@example.com',
      workspace: 'ws-1',
      q: 'action:deleted action:revoked',
    });
  });

  it('add means created or granted; other words go to the action parameter as typed', () => {
    expect(apiParamsFor({ type: 'Added' })).toEqual({ q: 'action:created action:granted' });
    expect(apiParamsFor({ type: 'deleted' })).toEqual({ action: 'deleted' });
    expect(apiParamsFor({ type: 'runs requested' })).toEqual({ action: 'runs_requested' });
    expect(apiParamsFor({ type: 'remove', time: '>=2026-03-01' })).toEqual({
      q: 'created:>=2026-03-01 action:deleted action:revoked',
    });
  });

  it('Landing Zone in Event and change in Type', () => {
    expect(apiParamsFor({ event: 'Landing Zone', type: 'change' })).toEqual({
      objectType: 'LandingZone',
      action: 'change',
    });
  });

  it('the actor, and the time column as a created: term of q (spaces removed)', () => {
    expect(apiParamsFor({ actor: ' Anna Admin ', time: '2026-03-01 .. 2026-03-31' })).toEqual({
      actor: 'Anna Admin',
      q: 'created:2026-03-01..2026-03-31',
    });
  });

  it('leaves out empty and blank filters', () => {
    expect(apiParamsFor({ event: '  ', type: '', change: undefined })).toEqual({});
  });
});

describe('the Event column', () => {
  it('reads object types in any spelling people type', () => {
    expect(objectTypeOf('Landing Zone')).toBe('LandingZone');
    expect(objectTypeOf('landing zones')).toBe('LandingZone');
    expect(objectTypeOf('building-block')).toBe('BuildingBlock');
    expect(objectTypeOf('PROJECT')).toBe('Project');
    expect(objectTypeOf('payments-prod')).toBeUndefined();
    expect(objectTypeOf('')).toBeUndefined();
  });

  it('takes a type, a name, or a type followed by a name', () => {
    expect(eventColumnParams('Project')).toEqual({ objectType: 'Project' });
    expect(eventColumnParams('Project payments prod')).toEqual({ objectType: 'Project', objectName: 'payments prod' });
    expect(eventColumnParams('Landing Zone cloud-foundation')).toEqual({
      objectType: 'LandingZone',
      objectName: 'cloud-foundation',
    });
    expect(eventColumnParams('payments-prod')).toEqual({ objectName: 'payments-prod' });
    expect(eventColumnParams('my  shop   app')).toEqual({ objectName: 'my shop app' });
  });
});

describe('errors and addresses', () => {
  it('maps the parameter an API error names back to the column', () => {
    expect(columnOfParameter('action')).toBe('type');
    expect(columnOfParameter('objectType')).toBe('event');
    expect(columnOfParameter('q')).toBe('time');
    expect(columnOfParameter('cursor')).toBeUndefined();
    expect(columnOfParameter(undefined)).toBeUndefined();
  });

  it('round-trips the filters through the page address, with extras', () => {
    const search = searchFromFilters({ event: 'Landing Zone', type: 'change', actor: '' }, { detail: 'e-1' });
    expect(search).toBe('?event=Landing+Zone&type=change&detail=e-1');
    expect(filtersFromSearch(new URLSearchParams(search))).toEqual({ event: 'Landing Zone', type: 'change' });
    expect(searchFromFilters({})).toBe('');
  });
});

describe('the Type select', () => {
  it("offers any type, the product's words and the precise actions, each understood by the query API", () => {
    const values = [...TYPE_CHOICES.words, ...TYPE_CHOICES.precise].map((choice) => choice.value);
    expect(values).toEqual([
      'add',
      'change',
      'remove',
      'created',
      'updated',
      'deleted',
      'runs_requested',
      'granted',
      'revoked',
      'viewed',
    ]);
    expect(apiParamsFor({ type: 'add' })).toEqual({ q: 'action:created action:granted' });
    expect(apiParamsFor({ type: 'remove' })).toEqual({ q: 'action:deleted action:revoked' });
    expect(apiParamsFor({ type: 'change' })).toEqual({ action: 'change' });
    expect(apiParamsFor({ type: 'runs_requested' })).toEqual({ action: 'runs_requested' });
  });

  it('shows what older addresses hold as the choice they mean', () => {
    expect(typeChoiceOf('remove')).toBe('remove');
    expect(typeChoiceOf('Removed')).toBe('remove');
    expect(typeChoiceOf(' added ')).toBe('add');
    expect(typeChoiceOf('changed')).toBe('change');
    expect(typeChoiceOf('runs requested')).toBe('runs_requested');
    expect(typeChoiceOf('run-requested')).toBe('runs_requested');
    expect(typeChoiceOf('DELETE')).toBe('deleted');
    expect(typeChoiceOf('revoke')).toBe('revoked');
    expect(typeChoiceOf('')).toBe('');
  });

  it('reads any text as blank, one of its choices, or the text itself, trimmed', () => {
    const choices = new Set([...TYPE_CHOICES.words, ...TYPE_CHOICES.precise].map((choice) => choice.value));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom('Add', ' runs requested ', 'REVOKE', 'changed')), (text) => {
        const value = typeChoiceOf(text);
        if (text.trim() === '') expect(value).toBe('');
        else expect(choices.has(value) || value === text.trim()).toBe(true);
        // what the select then holds always makes API parameters
        expect(() => apiParamsFor({ type: value })).not.toThrow();
      }),
    );
  });

  it('keeps a type it has no choice for as it was written, for the API to judge', () => {
    expect(typeChoiceOf('login_error')).toBe('login_error');
    expect(typeChoiceOf(' exploded ')).toBe('exploded');
  });
});
