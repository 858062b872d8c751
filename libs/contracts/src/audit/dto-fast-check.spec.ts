import fc from 'fast-check';
import { IsString, ValidateNested, validateSync } from 'class-validator';
import { hostileString, propertySeed, someAuditEvent, someJson } from '../../../../test/support/storable-arbitraries';
import { AuditCloudEventDto, asAuditEventDto } from './audit-event.dto';
import { compileDtoCheck } from './dto-fast-check';

const passes = compileDtoCheck(AuditCloudEventDto);

/** What validateSync says of the plain value read as the DTOs, the way validateAuditEvent reads it. */
const classValidatorPasses = (plain: Record<string, unknown>) =>
  validateSync(asAuditEventDto(plain), { validationError: { target: false } }).length === 0;

const valid = () => ({
  specversion: '1.0',
  id: 'evt-1',
  source: 'meshstack/api',
  type: 'meshstack.project.created',
  time: '2026-11-23T11:59:00Z',
  data: {
    objectType: 'Project',
    objectId: 'p-1',
    action: 'created',
    workspace: 'acme',
    actor: { kind: 'user', id: 'u-1', displayName: 'Anna' },
    change: 'created project p-1',
    changes: [{ field: 'name', from: null, to: 'p-1' }],
  },
});

describe('compileDtoCheck', () => {
  it('passes what class-validator passes, and refuses a broken rule at any depth', () => {
    expect(passes(valid())).toBe(true);
    const broken = [
      { ...valid(), specversion: '0.3' },
      { ...valid(), time: 'yesterday' },
      { ...valid(), data: { ...valid().data, actor: { kind: 'robot', id: 'u', displayName: 'u' } } },
      { ...valid(), data: { ...valid().data, changes: [{ field: '' }] } },
      { ...valid(), data: { ...valid().data, changes: ['not an object'] } },
      { ...valid(), data: { ...valid().data, change: 'two\nlines' } },
      { ...valid(), data: { ...valid().data, workspace: '' } },
    ];
    for (const event of broken) expect({ event, passes: passes(event) }).toEqual({ event, passes: false });
  });

  it('reads own constructor and __proto__ keys as class-validator does when asAuditEventDto leaves them out', () => {
    const withConstructor = {
      ...valid(),
      constructor: null,
      data: { ...valid().data, actor: { ...valid().data.actor, constructor: 'x' } },
    };
    const withProto = { ...valid(), ...(JSON.parse('{"__proto__": {"a": 1}}') as Record<string, unknown>) };
    for (const event of [withConstructor, withProto]) {
      expect(classValidatorPasses(event)).toBe(true);
      expect(passes(event)).toBe(true);
    }
  });

  it('never passes what class-validator refuses (generated hostile events)', () => {
    const now = new Date('2026-11-23T12:00:00Z');
    const seed = propertySeed('compileDtoCheck');
    const candidate = fc.oneof(
      { weight: 6, arbitrary: someAuditEvent(now) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(
            someAuditEvent(now),
            fc.constantFrom('constructor', '__proto__', 'toString', 'kind', 'field'),
            someJson,
            fc.nat(3),
          )
          .map(([event, key, value, level]) => {
            const at = (object: unknown, name: string | number): unknown =>
              typeof object === 'object' && object !== null ? (object as Record<string, unknown>)[name] : undefined;
            const targets = [event, event.data, at(event.data, 'actor'), at(at(event.data, 'changes'), 0)];
            const target = targets[level];
            if (typeof target === 'object' && target !== null) {
              Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
            }
            return event;
          }),
      },
      { weight: 1, arbitrary: fc.dictionary(hostileString, someJson) },
    );
    let passed = 0;
    fc.assert(
      fc.property(candidate, (event) => {
        const fast = passes(event);
        if (fast) passed++;
        // fast passes ⇒ class-validator passes; and both agree on the generated events
        expect({ event, fast }).toEqual({ event, fast: classValidatorPasses(event) });
      }),
      { seed, numRuns: 2_000 },
    );
    expect(passed).toBeGreaterThan(100);
  });

  it('refuses at load a DTO using a feature it does not compile, instead of checking it wrongly', () => {
    class Grouped {
      @IsString({ groups: ['admin'] })
      name!: string;
    }
    class Untyped {
      @ValidateNested()
      inner!: unknown;
    }
    expect(() => compileDtoCheck(Grouped)).toThrow(/not compiled/);
    expect(() => compileDtoCheck(Untyped)).toThrow(/without @Type/);
  });
});
