import { accessSync, constants, statSync } from 'node:fs';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/** class-validator rule: the value names a regular file this process can read (CA bundles, keys). */
export function IsReadableFile(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isReadableFile',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          try {
            accessSync(value, constants.R_OK);
            return statSync(value).isFile();
          } catch {
            return false;
          }
        },
        defaultMessage: () => 'must name a readable file',
      },
    },
    options,
  );
}
