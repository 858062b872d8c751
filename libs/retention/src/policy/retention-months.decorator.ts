import { ValidateBy } from 'class-validator';
import { EnvInt } from '@meshtrail/config';
import { boundsRule, isWithinBounds, type DataKind } from './data-kinds';

/**
 * An environment variable holding a kind's retention in months: read as an integer and refused
 * at start, naming the kind and its bounds, when outside them (the config error adds the value).
 */
export function RetentionMonths(kind: DataKind): PropertyDecorator {
  const validate = ValidateBy({
    name: 'retentionMonths',
    validator: {
      validate: (value: unknown) => isWithinBounds(kind, value),
      defaultMessage: () => boundsRule(kind),
    },
  });
  const transform = EnvInt();
  return (target, property) => {
    transform(target, property);
    validate(target, property);
  };
}
