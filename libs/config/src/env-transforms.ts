import { Transform } from 'class-transformer';

/** Environment booleans: true/false/1/0/yes/no; anything else is left as a string so @IsBoolean names it. */
export function EnvBoolean(): PropertyDecorator {
  return Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const normalised = value.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(normalised)) return true;
    if (['false', '0', 'no', 'off'].includes(normalised)) return false;
    return value;
  });
}

/** Environment integers: a string of digits becomes a number; anything else stays a string so @IsInt names it. */
export function EnvInt(): PropertyDecorator {
  return Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    return /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  });
}

/** Comma-separated lists, trimmed, empty items dropped. */
export function EnvList(): PropertyDecorator {
  return Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  });
}
