import 'reflect-metadata';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { ValidationTypes, getMetadataStorage, type ValidationArguments } from 'class-validator';

type Check = (object: Record<string, unknown>) => boolean;
type Constructor = new () => unknown;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nestedType(target: Constructor, property: string): Constructor {
  const type = defaultMetadataStorage.findTypeMetadata(target, property);
  if (!type) throw new Error(`${target.name}.${property}: @ValidateNested without @Type`);
  return type.typeFunction() as Constructor;
}

/**
 * The rules of one DTO class as one function over a plain object, from the class-validator
 * metadata its decorators registered: the same constraint instances, called directly, without
 * the per-call metadata lookups and error objects that make `validateSync` cost most of an
 * event's validation. Only the decorator features the audit DTOs use are compiled; any other
 * feature throws here, at load, so a DTO change cannot silently escape the check.
 */
function compileClass(target: Constructor, compiled: Map<Constructor, Check>): Check {
  const known = compiled.get(target);
  if (known) return known;
  const checks: Check[] = [];
  let self: Check = () => false;
  compiled.set(target, (object) => self(object));

  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(target, '', false, false);
  const properties = [...new Set(metadatas.map((metadata) => metadata.propertyName))];
  for (const property of properties) {
    const own = metadatas.filter((metadata) => metadata.propertyName === property);
    // @IsOptional and @ValidateIf: the property is checked only when every condition holds
    const conditions = own
      .filter((metadata) => metadata.type === ValidationTypes.CONDITIONAL_VALIDATION)
      .map((metadata) => metadata.constraints[0] as (object: unknown, value: unknown) => boolean);
    const rules: Array<(value: unknown, object: Record<string, unknown>) => boolean> = [];
    for (const metadata of own) {
      if (metadata.groups?.length || metadata.always || metadata.validateIf) {
        throw new Error(`${target.name}.${property}: groups, always and validateIf are not compiled`);
      }
      if (metadata.type === ValidationTypes.CONDITIONAL_VALIDATION) continue;
      if (metadata.type === ValidationTypes.CUSTOM_VALIDATION && !metadata.each) {
        for (const { instance, async } of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
          if (async) throw new Error(`${target.name}.${property}: asynchronous constraints are not compiled`);
          const constraints: unknown[] = metadata.constraints;
          rules.push((value, object) => {
            const args: ValidationArguments = { targetName: target.name, property, object, value, constraints };
            return (instance.validate(value, args) as boolean) === true;
          });
        }
      } else if (metadata.type === ValidationTypes.NESTED_VALIDATION) {
        const inner = compileClass(nestedType(target, property), compiled);
        // Only plain objects (or arrays of them) pass here; anything else is left to validateSync.
        rules.push((value) =>
          Array.isArray(value)
            ? value.every((item) => isPlainObject(item) && inner(item))
            : isPlainObject(value) && inner(value),
        );
      } else {
        throw new Error(
          `${target.name}.${property}: ${metadata.type}${metadata.each ? ' (each)' : ''} is not compiled`,
        );
      }
    }
    checks.push((object) => {
      const value = object[property];
      if (!conditions.every((condition) => condition(object, value))) return true;
      return rules.every((rule) => rule(value, object));
    });
  }
  self = (object) => checks.every((check) => check(object));
  return self;
}

/**
 * True only when class-validator would find nothing wrong with `plain` read as an instance of
 * `dto` (nested objects as their `@Type`s, own `constructor` and `__proto__` keys left out, as
 * `asAuditEventDto` reads them). False means "ask validateSync": it may still pass, and
 * only validateSync words the error. So the DTO classes stay the one contract, at a fraction of
 * the cost for the events that pass.
 */
export function compileDtoCheck(dto: Constructor): (plain: unknown) => boolean {
  const check = compileClass(dto, new Map());
  return (plain) => isPlainObject(plain) && check(plain);
}
